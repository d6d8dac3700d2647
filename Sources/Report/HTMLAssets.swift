import Tracker

/// The report's style and script, inline in the page (its policy allows
/// nothing else). The script only adds: the page reads without it.
enum HTMLAssets {
    static let style = """
    :root { --bg: #fff; --fg: #1d1f21; --muted: #666; --line: #ccc; --card: #f4f5f7; --mark: #c0392b;
      --ESTABLISHED: #2e7d32; --SYN_SENT: #1565c0; --SYN_RECEIVED: #6a1b9a; --FIN_WAIT_1: #ef6c00;
      --FIN_WAIT_2: #f9a825; --CLOSE_WAIT: #ad1457; --CLOSING: #8d6e63; --LAST_ACK: #d84315;
      --TIME_WAIT: #00838f; --CLOSED: #9e9e9e; --LISTEN: #78909c; }
    @media (prefers-color-scheme: dark) { :root:not(.light) { --bg: #16181b; --fg: #e6e6e6; --muted: #9aa0a6;
      --line: #444; --card: #23262b; } }
    :root.dark { --bg: #16181b; --fg: #e6e6e6; --muted: #9aa0a6; --line: #444; --card: #23262b; }
    body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; }
    h1 { font-size: 1.5em; margin: 0 } h2 { border-bottom: 1px solid var(--line); padding-bottom: .2em }
    a { color: inherit }
    .cards { display: flex; flex-wrap: wrap; gap: .6em }
    .card { background: var(--card); border-radius: 6px; padding: .5em .9em; min-width: 6em }
    .card b { display: block; font-size: 1.6em } .card span { color: var(--muted) }
    figure { margin: 1em 0 } figcaption { color: var(--muted); margin-bottom: .3em }
    svg text { fill: var(--fg); font: 11px ui-monospace, monospace }
    .bar { fill: #5c6bc0 } .percentile { stroke: var(--mark); stroke-dasharray: 3 2 }
    .axisline, .lifeline { stroke: var(--line) } .axis, .ms, .note { fill: var(--muted) }
    .timeline-frame { max-height: 360px; overflow: auto; border: 1px solid var(--line) }
    .timeline text { font-size: 7px }
    #table-frame { max-height: 60vh; overflow: auto; border: 1px solid var(--line) }
    table { border-collapse: collapse; font: 12px ui-monospace, monospace; white-space: nowrap }
    th { position: sticky; top: 0; background: var(--card); cursor: pointer; text-align: left }
    th, td { padding: 2px 8px; height: 18px } tr:nth-child(even) td { background: var(--card) }
    th.asc::after { content: " ▲" } th.desc::after { content: " ▼" }
    .connection { border-top: 1px solid var(--line); margin-top: 1.5em }
    .connection.focus { outline: 2px solid var(--mark); outline-offset: 4px }
    .facts { display: grid; grid-template-columns: repeat(7, auto 1fr); gap: 0 .6em }
    .facts dt { color: var(--muted) } .facts dd { margin: 0 }
    .anomalies { color: var(--mark) }
    .seg { stroke: var(--fg); stroke-width: 1.2 } .seg.marked { stroke: var(--mark); stroke-width: 1.8 }
    .head { fill: var(--fg) } .label { font-size: 11px } .state { font-weight: bold }
    .band.inferred { stroke: var(--fg); stroke-dasharray: 2 2; fill-opacity: .55 }
    .band.assumed { fill-opacity: .3 }
    rect.inferred { fill-opacity: .55 }
    .plots { display: flex; flex-wrap: wrap; gap: 1em } .backdrop { fill-opacity: .13 }
    .ackline { fill: none; stroke: #43a047; stroke-width: 1.2 }
    .windowline { fill: none; stroke: #fb8c00; stroke-dasharray: 4 2 }
    .tick { stroke: var(--fg); stroke-width: 2.5 } .tick.marked { stroke: var(--mark) } .flag { font-size: 9px }
    .mermaid pre { background: var(--card); padding: .6em; overflow: auto }
    .save { margin: .3em 0 }
    #check li.fail > b { color: var(--mark) } #check li.pass > b { color: var(--ESTABLISHED) }
    \(TCPStateColors.rules)
    @media print { #theme, .controls, .noscript-note { display: none } #table-frame, .timeline-frame
      { max-height: none; overflow: visible } body { margin: 0 } }
    """

    static let script = """
    "use strict";
    (function () {
      const data = JSON.parse(document.getElementById("data").textContent);
      const frame = document.getElementById("table-frame");
      const body = document.querySelector("#table tbody");
      const headers = Array.from(document.querySelectorAll("#table th"));
      const filter = document.getElementById("filter");
      const shown = document.getElementById("shown");
      const rowHeight = 22;
      let view = data.map((_, index) => index);
      let sortColumn = -1, ascending = true;
      document.querySelector(".controls").hidden = false;
      const theme = document.getElementById("theme");
      theme.hidden = false;
      theme.addEventListener("click", () => {
        const root = document.documentElement;
        const dark = root.classList.contains("dark") ||
          (!root.classList.contains("light") && matchMedia("(prefers-color-scheme: dark)").matches);
        root.classList.toggle("dark", !dark);
        root.classList.toggle("light", dark);
      });
      const note = document.querySelector(".noscript-note");
      if (note) note.remove();

      function matches(row, tokens) {
        const text = row.slice(0, column.count).join(" ").toLowerCase();
        return tokens.every((token) => {
          const compare = /^(rtt|connect|dur)([<>])([0-9.]+)$/.exec(token);
          if (compare) {
            const value = row[{ rtt: column.rtt, connect: column.connect, dur: column.duration }[compare[1]]];
            if (value === null) return false;
            return compare[2] === ">" ? value > Number(compare[3]) : value < Number(compare[3]);
          }
          if (token === "anomalies") return row[column.anomalies] > 0;
          return text.includes(token);
        });
      }

      function refresh() {
        const tokens = filter.value.toLowerCase().split(/\\s+/).filter((token) => token.length > 0);
        view = [];
        data.forEach((row, index) => { if (matches(row, tokens)) view.push(index); });
        if (sortColumn >= 0) {
          view.sort((a, b) => {
            const x = data[a][sortColumn], y = data[b][sortColumn];
            const order = x === y ? a - b : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
            return ascending ? order : -order;
          });
        }
        shown.textContent = view.length + " of " + data.length + " connections";
        frame.scrollTop = 0;
        draw();
      }

      // Numbers are kept as numbers to sort; shown with the page's decimals (`decimals`, made with `column`).
      function cell(value, column) {
        const td = document.createElement("td");
        td.textContent = value === null ? "-" : column in decimals ? value.toFixed(decimals[column]) : String(value);
        return td;
      }

      function spacer(height) {
        const tr = document.createElement("tr");
        tr.className = "spacer";
        tr.style.height = height + "px";
        return tr;
      }

      // Only the rows in sight, between two spacers: fast at 100,000 rows.
      function draw() {
        const first = Math.max(0, Math.floor(frame.scrollTop / rowHeight) - 10);
        const count = Math.ceil(frame.clientHeight / rowHeight) + 20;
        const last = Math.min(view.length, first + count);
        const rows = [spacer(first * rowHeight)];
        for (let position = first; position < last; position++) {
          const row = data[view[position]];
          const tr = document.createElement("tr");
          tr.className = "row";
          for (let place = 0; place < column.count; place++) {
            const td = cell(row[place], place);
            if (place === column.id && row[column.count] === 1) {
              td.textContent = "";
              const link = document.createElement("a");
              link.href = "#c" + row[0];
              link.textContent = String(row[0]);
              td.appendChild(link);
            }
            tr.appendChild(td);
          }
          rows.push(tr);
        }
        rows.push(spacer((view.length - last) * rowHeight));
        body.replaceChildren(...rows);
      }

      headers.forEach((th) => th.addEventListener("click", () => {
        const column = Number(th.dataset.column);
        ascending = sortColumn === column ? !ascending : true;
        sortColumn = column;
        headers.forEach((other) => other.classList.remove("asc", "desc"));
        th.classList.add(ascending ? "asc" : "desc");
        refresh();
      }));
      filter.addEventListener("input", refresh);
      frame.addEventListener("scroll", draw);

      // #filter=… filters on load; #c12 marks connection 12 and shows it.
      function follow() {
        const hash = decodeURIComponent(location.hash.slice(1));
        if (hash.startsWith("filter=")) {
          filter.value = hash.slice(7);
          refresh();
          return;
        }
        document.querySelectorAll(".connection.focus").forEach((element) => element.classList.remove("focus"));
        const target = /^c[0-9]+$/.test(hash) ? document.getElementById(hash) : null;
        if (target) {
          target.classList.add("focus");
          target.scrollIntoView();
        }
      }
      window.addEventListener("hashchange", follow);

      // The timeline zooms in time: its spans stretch, its labels stay.
      const timeline = document.querySelector("svg.timeline");
      if (timeline) {
        const left = 60, width = Number(timeline.getAttribute("width"));
        const spans = Array.from(timeline.querySelectorAll("rect"));
        spans.forEach((rect) => { rect.dataset.x = rect.getAttribute("x"); rect.dataset.w = rect.getAttribute("width"); });
        const zoom = document.createElement("input");
        zoom.type = "range"; zoom.min = "1"; zoom.max = "40"; zoom.value = "1"; zoom.id = "zoom";
        zoom.setAttribute("aria-label", "zoom the timeline");
        zoom.addEventListener("input", () => {
          const factor = Number(zoom.value);
          const wide = left + (width - left) * factor;
          timeline.setAttribute("width", wide);
          timeline.setAttribute("viewBox", "0 0 " + wide + " " + timeline.getAttribute("height"));
          spans.forEach((rect) => {
            rect.setAttribute("x", left + (Number(rect.dataset.x) - left) * factor);
            rect.setAttribute("width", Math.max(1, Number(rect.dataset.w) * factor));
          });
        });
        const label = document.createElement("label");
        label.textContent = "zoom ";
        label.appendChild(zoom);
        timeline.closest("figure").querySelector("figcaption").after(label);
      }

      // Each ladder can be saved as an SVG file, and its Mermaid source as a .mmd file.
      function offer(container, label, name, type, text) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "save";
        button.textContent = label;
        button.addEventListener("click", () => {
          const link = document.createElement("a");
          link.href = URL.createObjectURL(new Blob([text()], { type: type }));
          link.download = name;
          link.click();
          URL.revokeObjectURL(link.href);
        });
        container.prepend(button);
      }
      document.querySelectorAll(".connection").forEach((section) => {
        const ladder = section.querySelector(".ladder-frame");
        const mermaid = section.querySelector(".mermaid pre");
        if (ladder) offer(ladder, "Save SVG", section.id + ".svg", "image/svg+xml",
          () => ladder.querySelector("svg").outerHTML);
        if (mermaid) offer(section.querySelector(".mermaid"), "Save .mmd", section.id + ".mmd", "text/plain",
          () => mermaid.textContent);
      });
      refresh();
      follow();
    })();
    """
}

/// A colour for each state, the same in the timeline and the ladders' bands.
enum TCPStateColors {
    static let rules = TCPState.allCases.map { ".st-\($0.rawValue) { fill: var(--\($0.rawValue)) }" }
        .joined(separator: " ")
}
