"""Background jobs: long work (roster builds, imports, consent letters, large PDFs) runs on a worker, the page
shows its progress and, when it is done, its result. One way in: `tsunagu.jobs.services.enqueue`."""
