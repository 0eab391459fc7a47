/*
 * My account: display name (PUT /api/account/profile), email change (POST /api/account/email), and the
 * sessions list (GET /api/account/sessions) with sign-out per session and everywhere else.
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var forms = window.jwtmvc.forms;
    if (!auth.requireSession()) {
        return;
    }

    var $profile = $('#profile-form');
    var $email = $('#email-form');
    var $sessions = $('#sessions tbody');
    var $sessionsMessage = $('#sessions-message');

    function send(method, url, body) {
        return $.ajax({
            url: url,
            method: method,
            contentType: 'application/json',
            data: body === undefined ? undefined : JSON.stringify(body)
        });
    }

    function when(value) {
        return value ? new Date(value).toLocaleString() : '';
    }

    function showMe(me) {
        $('#accountUserName').val(me.userName);
        $profile.find('[name=displayName]').val(me.displayName || '');
        $('#current-email').text(me.email || '(none)');
    }

    function sessionsMessage(text, kind) {
        $sessionsMessage.removeClass('d-none alert-success alert-danger').addClass('alert-' + kind).text(text);
    }

    function renderSessions(items) {
        $sessions.empty();
        $.each(items, function (_, session) {
            var $device = $('<td>').append($('<span>').text(session.device));
            if (session.current) {
                $device.append(' ', $('<span class="badge text-bg-success" data-current>').text('This device'));
            }
            var $action = $('<td class="text-end">');
            if (!session.current) {
                $action.append($('<button type="button" class="btn btn-sm btn-outline-danger" data-sign-out>')
                    .attr('data-session-id', session.id).text('Sign out'));
            }
            $('<tr>').attr('data-session-id', session.id).attr('title', session.userAgent || '')
                .append($device, $('<td>').text(session.ipAddress || ''), $('<td>').text(when(session.createdAt)),
                    $('<td>').text(when(session.lastUsedAt)), $action)
                .appendTo($sessions);
        });
        $('#sign-out-others').prop('disabled', items.length < 2);
    }

    function loadSessions() {
        return $.ajax({ url: '/api/account/sessions', dataType: 'json' }).done(function (body) {
            renderSessions(body.items);
        }).fail(function (xhr) {
            sessionsMessage('Your sessions could not be loaded (' + xhr.status + ').', 'danger');
        });
    }

    $.ajax({ url: '/api/me', dataType: 'json' }).done(showMe);
    loadSessions();

    $profile.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($profile);
        forms.setBusy($profile, true);
        send('PUT', '/api/account/profile', forms.values($profile, ['displayName'])).done(function (me) {
            showMe(me);
            forms.showAlert($profile, 'Saved.', 'success');
            $('[data-jwtmvc-display-name]').text(me.displayName || '').toggleClass('d-none', !me.displayName);
        }).fail(function (xhr) {
            forms.showProblem($profile, xhr, 'The profile could not be saved (' + xhr.status + ').');
        }).always(function () {
            forms.setBusy($profile, false);
        });
    });

    $email.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($email);
        var body = forms.values($email, ['newEmail', 'password']);
        forms.setBusy($email, true);
        send('POST', '/api/account/email', body).done(function () {
            $email.trigger('reset');
            forms.showAlert($email, 'We sent a link to ' + body.newEmail + '. Your email changes when you open it.', 'success');
        }).fail(function (xhr) {
            forms.showProblem($email, xhr, 'The email could not be changed (' + xhr.status + ').');
        }).always(function () {
            forms.setBusy($email, false);
        });
    });

    $sessions.on('click', 'button[data-sign-out]', function () {
        var $button = $(this).prop('disabled', true);
        send('DELETE', '/api/account/sessions/' + encodeURIComponent($button.attr('data-session-id'))).always(function () {
            loadSessions();
        }).done(function () {
            sessionsMessage('That session was signed out.', 'success');
        }).fail(function (xhr) {
            sessionsMessage('The session could not be signed out (' + xhr.status + ').', 'danger');
        });
    });

    $('#sign-out-others').on('click', function () {
        send('POST', '/api/account/sessions/revoke-others').always(function () {
            loadSessions();
        }).done(function () {
            sessionsMessage('Every other session was signed out.', 'success');
        }).fail(function (xhr) {
            sessionsMessage('Your other sessions could not be signed out (' + xhr.status + ').', 'danger');
        });
    });
}(jQuery, window));
