"""Helpers every app's tests share: factories, the named personas of a small ward, sign-in steps, page
readers and the browser driver. Tests import from here, never from another app's tests."""
