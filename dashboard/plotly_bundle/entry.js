// plotly.js core plus the trace types incidentmap draws (kept in step with TRACES in
// dashboard/plotly_js.py, which a test checks against the figures the app makes).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/scattermap'),
]);

module.exports = Plotly;
