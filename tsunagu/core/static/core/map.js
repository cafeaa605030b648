/* Maps of tsunagu (Leaflet, vendored in static/vendor/leaflet).
 *
 * A page includes shelters/partials/map_assets.html (Leaflet, this file and a JSON block "map-settings" with the
 * tile source and popup labels) and one or more <div class="tsunagu-map" data-map-url="..."> elements. The URL
 * answers a GeoJSON FeatureCollection whose features carry properties.kind: "person", "shelter" or
 * "candidate"; an optional "unlocated" list names persons without coordinates, shown under the map.
 * Popups are built with textContent: names and addresses never become HTML.
 *
 * At ward and city scale (the roster map) the element has data-points-url and data-marker-url instead: the page
 * asks for compact rows [id, latitude, longitude, label index] of the area in view (bbox and zoom, padded so a
 * small pan asks nothing), clusters them with Leaflet.markercluster (vendored in static/vendor), and fetches one
 * person's details when a marker is opened. */
(function () {
  "use strict";

  var COLORS = {
    person: "#cf222e",
    shelter: "#1a7f37",
    welfare: "#8250df",
    candidate: "#0969da",
    place: "#bc4c00",
    window: "#0969da",
  };
  // 大正区役所 area: the view before any data arrives, or when there is nothing to show.
  var DEFAULT_CENTER = [34.6627, 135.4731];
  var DEFAULT_ZOOM = 14;

  function line(parent, label, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) {
      return;
    }
    var row = document.createElement("div");
    var term = document.createElement("strong");
    term.textContent = label + "：";
    row.appendChild(term);
    row.appendChild(document.createTextNode(Array.isArray(value) ? value.join("、") : String(value)));
    parent.appendChild(row);
  }

  function popupContent(props, labels) {
    var box = document.createElement("div");
    var title = document.createElement("div");
    title.className = "map-popup__title";
    title.textContent = props.name || "";
    box.appendChild(title);
    if (props.kind === "person") {
      line(box, labels.address, props.address);
      line(box, labels.reasons, props.reasons);
    } else if (props.kind === "shelter") {
      if (props.welfare) {
        line(box, labels.shelter, labels.welfare);
      }
      line(box, labels.address, props.address);
      line(box, labels.hazards, props.hazards);
      line(box, labels.capacity, props.capacity);
    } else if (props.kind === "candidate") {
      line(box, labels.candidate, props.kind_label);
      line(box, labels.address, props.address);
      line(box, labels.phone, props.phone);
      line(box, labels.candidateCapacity, props.capacity);
    } else if (props.kind === "directory") {
      // The public directory: a window or gathering place (never a hidden location: the server leaves those out).
      line(box, labels.directoryKind, props.kind_label);
      line(box, labels.address, props.address);
      line(box, labels.schedule, props.schedule);
    }
    if (props.url) {
      var link = document.createElement("a");
      link.href = props.url;
      link.textContent = labels.detail;
      box.appendChild(link);
    }
    return box;
  }

  function colorOf(props) {
    if (props.kind === "shelter" && props.welfare) {
      return COLORS.welfare;
    }
    if (props.kind === "directory") {
      return COLORS[props.group] || COLORS.place;
    }
    return COLORS[props.kind] || "#57606a";
  }

  function showUnlocated(list, labels) {
    var target = document.getElementById("map-unlocated");
    if (!target || !list) {
      return;
    }
    var count = document.getElementById("map-unlocated-count");
    if (count) {
      count.textContent = String(list.length);
    }
    var ul = document.createElement("ul");
    list.forEach(function (person) {
      var li = document.createElement("li");
      li.textContent = person.name + (person.address ? "（" + person.address + "）" : "");
      if (person.reasons && person.reasons.length) {
        li.textContent += " — " + labels.reasons + "：" + person.reasons.join("、");
      }
      ul.appendChild(li);
    });
    target.replaceChildren(ul);
  }

  function init(container, settings) {
    var labels = settings.labels || {};
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
    var center = container.dataset.center;
    if (center) {
      map.setView(center.split(",").map(Number), 16);
    } else {
      map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    }
    var status = document.getElementById("map-status");
    fetch(container.dataset.mapUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        var groups = {};
        var order = ["person", "shelter", "candidate", "directory"];
        order.forEach(function (kind) {
          groups[kind] = L.featureGroup();
        });
        data.features.forEach(function (feature) {
          var props = feature.properties;
          var coords = feature.geometry.coordinates;
          var group = groups[props.kind];
          if (!group) {
            return;
          }
          // Large touch targets: a phone user taps markers with a finger.
          L.circleMarker([coords[1], coords[0]], {
            radius: props.kind === "person" ? 9 : 8,
            color: "#ffffff",
            weight: 2,
            fillColor: colorOf(props),
            fillOpacity: 0.9,
          })
            // Narrow enough for a phone's screen, so the whole popup fits beside the map's edges.
            .bindPopup(popupContent(props, labels), {
              maxWidth: Math.max(160, Math.min(300, container.clientWidth - 80)),
              autoPanPadding: [12, 12],
            })
            .addTo(group);
        });
        var overlays = {};
        var bounds = L.latLngBounds([]);
        order.forEach(function (kind) {
          if (groups[kind].getLayers().length) {
            groups[kind].addTo(map);
            overlays[labels[kind] || kind] = groups[kind];
            bounds.extend(groups[kind].getBounds());
          }
        });
        if (Object.keys(overlays).length > 1) {
          L.control.layers(null, overlays, { collapsed: false }).addTo(map);
        }
        if (!center && bounds.isValid()) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17, animate: false });
        }
        showUnlocated(data.unlocated, labels);
      })
      .catch(function () {
        if (status) {
          status.textContent = labels.error;
        }
      });
  }

  // Cluster icons are buttons (Leaflet makes interactive markers focusable): they get a name to be read out.
  var ClusterIcon = null;

  function clusterIcon(labels) {
    ClusterIcon =
      ClusterIcon ||
      L.DivIcon.extend({
        createIcon: function (oldIcon) {
          var icon = L.DivIcon.prototype.createIcon.call(this, oldIcon);
          icon.setAttribute("aria-label", this.options.label);
          return icon;
        },
      });
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var text = document.createElement("span");
      text.textContent = String(count);
      var inner = document.createElement("div");
      inner.appendChild(text);
      return new ClusterIcon({
        html: inner,
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40),
        label: (labels.cluster || "{count}").replace("{count}", String(count)),
      });
    };
  }

  function personPopup(row, data, container, labels) {
    // Leaflet calls this on every update of the popup: the details are fetched once, when it first opens.
    var box = null;
    return function (layer) {
      if (box) {
        return box;
      }
      box = document.createElement("div");
      var title = document.createElement("div");
      title.className = "map-popup__title";
      title.textContent = labels.loading || "…";
      box.appendChild(title);
      if (row[3] >= 0 && data.labels[row[3]]) {
        line(box, labels.reasons, data.labels[row[3]]);
      }
      var url = container.dataset.markerUrl.replace(/\/0\.json$/, "/" + row[0] + ".json");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (props) {
          box.replaceChildren(popupContent(props, labels));
          layer.getPopup().update();
        })
        .catch(function () {
          title.textContent = labels.error;
        });
      return box;
    };
  }

  function featureLayer(feature, container, labels) {
    var props = feature.properties;
    var coords = feature.geometry.coordinates;
    return L.circleMarker([coords[1], coords[0]], {
      radius: 8,
      color: "#ffffff",
      weight: 2,
      fillColor: colorOf(props),
      fillOpacity: 0.9,
    }).bindPopup(popupContent(props, labels), {
      maxWidth: Math.max(160, Math.min(300, container.clientWidth - 80)),
      autoPanPadding: [12, 12],
    });
  }

  function initPoints(container, settings) {
    var labels = settings.labels || {};
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(settings.tile_url, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
    map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    var status = document.getElementById("map-status");
    var persons = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 60,
      iconCreateFunction: clusterIcon(labels),
    }).addTo(map);
    var groups = { shelter: L.featureGroup().addTo(map), candidate: L.featureGroup().addTo(map) };
    var overlays = {};
    overlays[labels.person || "person"] = persons;
    overlays[labels.shelter || "shelter"] = groups.shelter;
    var layersControl = null;
    var covered = null; // "all" after a complete answer without bounds, else the bounds last answered
    var controller = null;
    var popupWidth = Math.max(160, Math.min(300, container.clientWidth - 80));

    function show(data, first, asked) {
      persons.clearLayers();
      var markers = data.persons.map(function (row) {
        // Large touch targets: a phone user taps markers with a finger.
        return L.circleMarker([row[1], row[2]], {
          radius: 9,
          color: "#ffffff",
          weight: 2,
          fillColor: COLORS.person,
          fillOpacity: 0.9,
        }).bindPopup(personPopup(row, data, container, labels), {
          maxWidth: popupWidth,
          autoPanPadding: [12, 12],
        });
      });
      persons.addLayers(markers);
      groups.shelter.clearLayers();
      groups.candidate.clearLayers();
      data.features.forEach(function (feature) {
        var group = groups[feature.properties.kind];
        if (group) {
          featureLayer(feature, container, labels).addTo(group);
        }
      });
      if (groups.candidate.getLayers().length && !overlays[labels.candidate || "candidate"]) {
        overlays[labels.candidate || "candidate"] = groups.candidate;
      }
      if (!layersControl) {
        layersControl = L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      }
      if (status) {
        status.textContent = data.tooMany ? labels.zoomIn : "";
      }
      covered = data.tooMany ? null : first ? "all" : asked;
      if (first) {
        var bounds = L.latLngBounds([]);
        markers.forEach(function (marker) {
          bounds.extend(marker.getLatLng());
        });
        if (groups.shelter.getLayers().length) {
          bounds.extend(groups.shelter.getBounds());
        }
        if (data.extent) {
          bounds.extend([
            [data.extent[0], data.extent[1]],
            [data.extent[2], data.extent[3]],
          ]);
        }
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17, animate: false });
        }
        showUnlocated(data.unlocated, labels);
      }
    }

    function load(first) {
      var url = new URL(container.dataset.pointsUrl, window.location.href);
      var asked = null;
      if (first) {
        url.searchParams.set("unlocated", "1");
      } else {
        asked = map.getBounds().pad(0.5);
        url.searchParams.set("bbox", asked.toBBoxString());
        url.searchParams.set("zoom", String(map.getZoom()));
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      fetch(url.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          show(data, first, asked);
        })
        .catch(function (error) {
          if (error.name !== "AbortError" && status) {
            status.textContent = labels.error;
          }
        });
    }

    map.on("moveend", function () {
      if (covered === "all" || (covered && covered.contains(map.getBounds()))) {
        return;
      }
      load(false);
    });
    load(true);
  }

  function start() {
    var settingsNode = document.getElementById("map-settings");
    if (!settingsNode || typeof L === "undefined") {
      return;
    }
    var settings = JSON.parse(settingsNode.textContent);
    document.querySelectorAll(".tsunagu-map[data-map-url]").forEach(function (container) {
      init(container, settings);
    });
    if (typeof L.markerClusterGroup === "function") {
      document.querySelectorAll(".tsunagu-map[data-points-url]").forEach(function (container) {
        initPoints(container, settings);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
