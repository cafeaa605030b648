/* Maps of tsunagu (Leaflet, vendored in static/vendor/leaflet).
 *
 * A page includes shelters/partials/map_assets.html (Leaflet, this file and a JSON block "map-settings" with the
 * tile source and popup labels) and one or more <div class="tsunagu-map" data-map-url="..."> elements. The URL
 * answers a GeoJSON FeatureCollection whose features carry properties.kind: "person", "shelter" or
 * "candidate"; an optional "unlocated" list names persons without coordinates, shown under the map.
 * Popups are built with textContent: names and addresses never become HTML. */
(function () {
  "use strict";

  var COLORS = { person: "#cf222e", shelter: "#1a7f37", welfare: "#8250df", candidate: "#0969da" };
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
        var order = ["person", "shelter", "candidate"];
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

  function start() {
    var settingsNode = document.getElementById("map-settings");
    if (!settingsNode || typeof L === "undefined") {
      return;
    }
    var settings = JSON.parse(settingsNode.textContent);
    document.querySelectorAll(".tsunagu-map[data-map-url]").forEach(function (container) {
      init(container, settings);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
