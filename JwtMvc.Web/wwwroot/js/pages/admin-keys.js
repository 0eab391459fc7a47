/*
 * Signing keys (/admin/keys): the key ring with each key's status and dates, "Rotate now" and "Revoke",
 * both behind a confirmation, from /api/admin/keys with the access token. In shared-secret mode the page
 * says so and the buttons are off. Revoking the key that signed this page's own token is fine: the next
 * call gets 401 invalid_token and auth.js refreshes once, invisibly.
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var ui = window.jwtmvc.ui;
    if (!auth.requireSession()) {
        return;
    }

    var API = '/api/admin/keys';
    var sharedSecret = false;

    function api(method, path) {
        return $.ajax({ url: API + (path || ''), method: method, dataType: 'json' });
    }

    function cell(text) {
        return $('<td>').text(text == null ? '' : String(text));
    }

    function showError(xhr, fallback) {
        $('#keys-message').addClass('d-none');
        $('#keys-error').removeClass('d-none').text(ui.problemText(xhr, fallback));
    }

    function showMessage(message) {
        $('#keys-error').addClass('d-none');
        $('#keys-message').removeClass('d-none').text(message);
    }

    var BADGES = { announced: 'text-bg-info', active: 'text-bg-success', retired: 'text-bg-secondary', revoked: 'text-bg-danger' };

    function renderRow(key) {
        var $row = $('<tr>').attr('data-kid', key.kid).attr('data-status', key.status);
        $row.append($('<td>').append($('<code class="small">').text(key.kid)));
        $row.append(cell(key.alg));
        $row.append($('<td>').append($('<span class="badge">').addClass(BADGES[key.status] || 'text-bg-light').attr('data-field', 'status').text(key.status)));
        $row.append(cell(ui.formatTime(key.createdAt)));
        $row.append(cell(ui.formatTime(key.activatesAt)));
        $row.append(cell(ui.formatTime(key.retiresAt)));
        $row.append(cell(ui.formatTime(key.revokedAt)));
        var $revoke = $('<button type="button" class="btn btn-sm btn-outline-danger" data-action="revoke">')
            .text('Revoke')
            .attr('aria-label', 'Revoke key ' + key.kid)
            .prop('disabled', sharedSecret || key.status === 'revoked');
        $row.append($('<td>').append($revoke));
        return $row;
    }

    function render(list) {
        sharedSecret = list.mode === 'sharedSecret';
        $('#keys-loading').addClass('d-none');
        $('#keys-app').removeClass('d-none');
        $('#keys-shared-secret').toggleClass('d-none', !sharedSecret);
        $('#rotate-now').prop('disabled', sharedSecret);
        var $rows = $('#keys-table tbody').empty();
        $.each(list.items, function (_, key) { $rows.append(renderRow(key)); });
        $('#keys-empty').toggleClass('d-none', list.items.length > 0);
    }

    function load() {
        return api('GET').done(render).fail(function (xhr) {
            $('#keys-loading').addClass('d-none');
            if (xhr.status === 403) {
                ui.showForbidden('#keys-forbidden', xhr);
            } else if (xhr.status !== 401) {
                showError(xhr, 'The keys could not be loaded');
            }
        });
    }

    $('#rotate-now').on('click', function () {
        ui.confirmAction('Create a new key that signs from now on? The current key retires now and keeps verifying the tokens it signed until they expire.', 'Rotate now')
            .then(function (confirmed) {
                if (!confirmed) {
                    return;
                }
                api('POST', '/rotate')
                    .done(function (key) { showMessage('Key ' + key.kid + ' signs from now on.'); load(); })
                    .fail(function (xhr) { showError(xhr, 'The rotation failed'); });
            });
    });

    $('#keys-table').on('click', 'button[data-action=revoke]', function () {
        var kid = $(this).closest('tr').attr('data-kid');
        ui.confirmAction('Revoke key ' + kid + '? Tokens it signed are refused at once (signed-in users recover with one refresh); if it signs now, a new key takes over first.', 'Revoke')
            .then(function (confirmed) {
                if (!confirmed) {
                    return;
                }
                api('POST', '/' + encodeURIComponent(kid) + '/revoke')
                    .done(function () { showMessage('Key ' + kid + ' is revoked.'); load(); })
                    .fail(function (xhr) { showError(xhr, 'The revocation failed'); });
            });
    });

    load();
}(jQuery, window));
