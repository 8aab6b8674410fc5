"""Reports: the HTML pages smartspec writes and the figures and charts on them.

Rendering only, no store: the region report (:mod:`smartspec.reports.region`, with its segment
section :mod:`smartspec.reports.segments`) and the partner report
(:mod:`smartspec.reports.partners`) are built from what the workflows read
(:mod:`smartspec.workflows.report`, :mod:`smartspec.workflows.partner_report`), with matplotlib
figures (:mod:`smartspec.reports.figures`), interactive SVG charts (:mod:`smartspec.reports.charts`
and the ``report.js`` beside them), the world map (:mod:`smartspec.reports.world_map`) and the
page markup both share (:mod:`smartspec.reports.markup`).
"""
