/*
 * The confirm-email and confirm-email-change pages: the link's userId, code (and email) are posted to the
 * API named by #confirm-status[data-confirm-url]. The code leaves the address bar at once.
 */
(function ($, window) {
    'use strict';

    var $status = $('#confirm-status');
    var query = new URLSearchParams(window.location.search);
    var body = { userId: query.get('userId'), code: query.get('code') };
    if (query.has('email')) {
        body.email = query.get('email');
    }
    if (!body.userId || !body.code) {
        return;
    }

    window.history.replaceState(null, '', window.location.pathname);
    $status.removeClass('d-none').attr('data-state', 'busy').text('Confirming\u2026');
    $.ajax({
        url: $status.attr('data-confirm-url'),
        method: 'POST',
        contentType: 'application/json',
        data: JSON.stringify(body),
        jwtmvcAnonymous: true
    }).done(function () {
        $status.removeClass('alert-info').addClass('alert-success').attr('data-state', 'done')
            .text(body.email ? 'Your email address is now ' + body.email + '.' : 'Your email address is confirmed.');
        $('#confirm-login').removeClass('d-none');
    }).fail(function (xhr) {
        var problem = xhr.responseJSON || {};
        var errors = problem.errors || {};
        var message = (errors.email || errors.code || [problem.detail || 'The link could not be used (' + xhr.status + ').'])[0];
        $status.removeClass('alert-info').addClass('alert-danger').attr('data-state', 'failed').text(message);
    });
}(jQuery, window));
