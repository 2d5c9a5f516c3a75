/* Static HTML fragments (dashboard/components/static_html.py). The server builds each table of numbers
   as one HTML string, every value escaped, and a callback writes it to a dcc.Store beside an
   empty holder; this puts the string into the holder. React renders no children into a
   holder, so it never touches what is set here. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.incidentmap = Object.assign(window.dash_clientside.incidentmap || {}, {
    staticHtml: function (html, holderId) {
        var holder = document.getElementById(holderId);
        if (holder) {
            holder.innerHTML = typeof html === 'string' ? html : '';
        }
    }
});
