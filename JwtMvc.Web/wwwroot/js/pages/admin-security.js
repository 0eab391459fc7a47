/*
 * Security dashboard (/admin/security): charts of sign-ins, failed sign-ins, lockouts and refresh-token
 * reuse for the last 24 hours and 30 days, and the security event list with filters, all from
 * /api/admin/security with the access token. Each chart's data is also kept on its canvas as
 * data-series (JSON), for tests and for anyone reading the page without the chart.
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var ui = window.jwtmvc.ui;
    if (!auth.requireSession()) {
        return;
    }

    var API = '/api/admin/security';
    var state = { type: '', userId: '', page: 1, pageSize: 20 };
    var charts = {};
    var SERIES = [
        { key: 'logins', label: 'Sign-ins', color: '#0d6efd' },
        { key: 'failedLogins', label: 'Failed sign-ins', color: '#b35900' },
        { key: 'lockouts', label: 'Lockouts', color: '#b02a37' },
        { key: 'reuseDetected', label: 'Refresh-token reuse', color: '#6f42c1' }
    ];

    function label(start, range) {
        var date = new Date(start);
        return range === '24h'
            ? String(date.getUTCHours()).padStart(2, '0') + ':00'
            : date.toISOString().substring(5, 10);
    }

    function draw(range, buckets) {
        var canvas = document.getElementById('chart-' + range);
        var series = { labels: buckets.map(function (b) { return b.start; }) };
        SERIES.forEach(function (s) {
            series[s.key] = buckets.map(function (b) { return b[s.key]; });
        });
        canvas.setAttribute('data-series', JSON.stringify(series));
        var data = {
            labels: buckets.map(function (b) { return label(b.start, range); }),
            datasets: SERIES.map(function (s) {
                return { label: s.label, data: series[s.key], backgroundColor: s.color, borderColor: s.color };
            })
        };
        if (charts[range]) {
            charts[range].data = data;
            charts[range].update();
            return;
        }
        charts[range] = new window.Chart(canvas, {
            type: 'bar',
            data: data,
            options: {
                animation: false,
                maintainAspectRatio: false,
                scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
            }
        });
    }

    function loadSummary(range) {
        return $.ajax({ url: API + '/summary?range=' + range, dataType: 'json' })
            .done(function (result) { draw(range, result.buckets); });
    }

    var pager = ui.pager(state, {
        previous: '#events-prev',
        next: '#events-next',
        info: '#events-page-info',
        noun: ['event', 'events'],
        load: loadEvents
    });

    function cell(text) {
        return $('<td>').text(text == null ? '' : String(text));
    }

    function loadEvents() {
        var query = { page: state.page, pageSize: state.pageSize };
        if (state.type) { query.type = state.type; }
        if (state.userId) { query.userId = state.userId; }
        return $.ajax({ url: API + '/events?' + $.param(query), dataType: 'json' })
            .done(function (result) {
                ui.hideAlert('#security-error');
                var $rows = $('#events-table tbody').empty();
                result.items.forEach(function (e) {
                    $('<tr>').attr('data-type', e.type)
                        .append(cell(ui.formatTime(e.at)), cell(e.type), cell(e.userName || e.userId), cell(e.ipAddress), cell(e.detail))
                        .appendTo($rows);
                });
                $('#events-empty').toggleClass('d-none', result.items.length > 0);
                pager.render(result.totalCount);
            })
            .fail(showError);
    }

    function showError(xhr) {
        if (xhr.status === 403) {
            ui.showForbidden('#security-forbidden', xhr);
            $('#security-app').addClass('d-none');
            return;
        }
        ui.showAlert('#security-error', ui.problemText(xhr, 'The security events could not be loaded.'));
    }

    $('#events-filter').on('submit', function (event) {
        event.preventDefault();
        state.type = $('#events-type').val();
        state.userId = $.trim($('#events-user').val());
        state.page = 1;
        loadEvents();
    });

    $.when(loadSummary('24h'), loadSummary('30d'))
        .done(function () {
            $('#security-app').removeClass('d-none');
            loadEvents();
        })
        .fail(showError);
}(jQuery, window));
