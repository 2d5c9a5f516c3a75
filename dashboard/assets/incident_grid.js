/* Keyboard access to the incident table: Enter on a focused ID cell opens that incident
   (the ID links are inside grid cells, which the keyboard reaches one cell at a time). */
window.dashAgGridFunctions = window.dashAgGridFunctions || {};
window.dashAgGridFunctions.openIncidentOnEnter = function (params) {
    if (!params || !params.event || params.event.key !== 'Enter' || !params.data) {
        return;
    }
    if (params.column && params.column.getColId() === 'public_id') {
        window.location.assign('/incidents/' + encodeURIComponent(params.data.public_id));
    }
};
