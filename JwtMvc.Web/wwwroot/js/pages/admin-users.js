/*
 * User management (/admin/users): a searchable, paged table of users and a detail panel with roles,
 * lockout, two-factor reset, sessions and the audit trail, all from /api/admin/users with the access token. The server
 * decides who is an admin: a 403 from the first call shows the "not allowed" message.
 * Every value that comes from a user (user names, display names, e-mails, user agents, audit details)
 * goes into the page with .text() or .val(), never as HTML.
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var ui = window.jwtmvc.ui;
    var forms = window.jwtmvc.forms;
    if (!auth.requireSession()) {
        return;
    }

    var API = '/api/admin/users';
    var state = { search: '', page: 1, pageSize: 20, totalCount: 0, selectedId: null };

    var $app = $('#admin-app');
    var $rows = $('#users-table tbody');

    // ---- helpers ------------------------------------------------------------------------------------

    function api(method, path, body) {
        var options = { url: API + (path || ''), method: method, dataType: 'json' };
        if (body !== undefined) {
            options.contentType = 'application/json';
            options.data = JSON.stringify(body);
        }
        return $.ajax(options);
    }

    function userPath(id, suffix) {
        return '/' + encodeURIComponent(id) + (suffix || '');
    }

    function lockoutText(user) {
        if (!user.lockedOut) {
            return 'Active';
        }
        return new Date(user.lockoutEnd).getUTCFullYear() >= 9999
            ? 'Locked indefinitely'
            : 'Locked until ' + ui.formatTime(user.lockoutEnd);
    }

    function twoFactorText(user) {
        var passkeys = user.passkeyCount > 0 ? ', ' + user.passkeyCount + (user.passkeyCount === 1 ? ' passkey' : ' passkeys') : '';
        return (user.twoFactorEnabled ? 'On' : 'Off') + passkeys;
    }

    /** Whether there is a second factor to reset: the authenticator app or a passkey. */
    function hasSecondFactor(user) {
        return !!user.twoFactorEnabled || user.passkeyCount > 0;
    }

    function cell(text) {
        return $('<td>').text(text == null ? '' : String(text));
    }

    function showError(xhr, fallback) {
        ui.showAlert('#admin-error', ui.problemText(xhr, fallback));
    }

    function showDetailMessage(message, kind) {
        ui.showAlert('#detail-alert', message, kind || 'success');
    }

    var setModalShown = ui.setModalShown;
    var confirmAction = ui.confirmAction;

    // ---- the table ----------------------------------------------------------------------------------

    function renderRow(user) {
        var $row = $('<tr>').attr('data-user-id', user.id);
        $row.append(cell(user.userName).addClass('fw-semibold').attr('data-field', 'userName'));
        $row.append(cell(user.displayName).attr('data-field', 'displayName'));
        $row.append(cell(user.email).attr('data-field', 'email'));
        $row.append(cell(user.roles.join(', ')).attr('data-field', 'roles'));
        $row.append(cell(lockoutText(user)).attr('data-field', 'status'));
        $row.append(cell(user.activeSessions).attr('data-field', 'sessions'));
        $row.append(cell(twoFactorText(user)).attr('data-field', 'twoFactor'));
        var $open = $('<button type="button" class="btn btn-sm btn-outline-primary" data-action="details">')
            .text('Details')
            .attr('aria-label', 'Details of ' + user.userName);
        $row.append($('<td>').append($open));
        return $row;
    }

    var pager = ui.pager(state, {
        previous: '#users-prev',
        next: '#users-next',
        info: '#users-page-info',
        noun: ['user', 'users'],
        load: loadUsers
    });

    function loadUsers() {
        return api('GET', '?' + $.param({ search: state.search, page: state.page, pageSize: state.pageSize }))
            .done(function (result) {
                $('#admin-loading').addClass('d-none');
                ui.hideAlert('#admin-error');
                $app.removeClass('d-none');
                state.totalCount = result.totalCount;
                $rows.empty().append($.map(result.items, renderRow));
                $('#users-empty').toggleClass('d-none', result.items.length > 0);
                pager.render(result.totalCount);
            })
            .fail(function (xhr) {
                $('#admin-loading').addClass('d-none');
                if (xhr.status === 403) {
                    $app.addClass('d-none');
                    ui.showForbidden('#admin-forbidden', xhr);
                } else if (xhr.status !== 401) {
                    showError(xhr, 'The users could not be loaded');
                }
            });
    }

    // ---- the detail panel ---------------------------------------------------------------------------

    function renderDetail(user) {
        state.selectedId = user.id;
        $('#user-detail').removeClass('d-none').attr('data-user-id', user.id);
        $('#detail-user-name').text(user.userName);
        $('#detail-display-name').text(user.displayName || '');
        $('#profile-displayName').val(user.displayName || '');
        $('#profile-email').val(user.email || '');
        $('#roles-form input[name=roles]').each(function () {
            $(this).prop('checked', user.roles.indexOf(this.value) >= 0);
        });
        $('#detail-lockout').text(lockoutText(user));
        $('#lock-user').prop('disabled', false);
        $('#unlock-user').prop('disabled', !user.lockedOut);
        $('#detail-two-factor').text(twoFactorText(user));
        $('#reset-2fa').prop('disabled', !hasSecondFactor(user));
        $.each(['#profile-form', '#roles-form', '#lock-form', '#reset-form'], function (_, form) {
            forms.clearErrors($(form));
        });
    }

    function loadSessions(id) {
        return api('GET', userPath(id, '/sessions')).done(function (result) {
            var $body = $('#sessions-table tbody').empty();
            $.each(result.items, function (_, session) {
                $body.append($('<tr>').append(
                    cell(ui.formatTime(session.createdAt)),
                    cell(ui.formatTime(session.lastUsedAt)),
                    cell(ui.formatTime(session.expiresAt)),
                    cell(session.ipAddress),
                    cell(session.userAgent).addClass('text-break')));
            });
            if (!result.items.length) {
                $body.append($('<tr>').append(cell('No active session.').attr('colspan', 5).addClass('text-muted')));
            }
        });
    }

    function loadAudit(id) {
        return api('GET', userPath(id, '/audit')).done(function (result) {
            var $body = $('#audit-table tbody').empty();
            $.each(result.items, function (_, entry) {
                $body.append($('<tr>').append(cell(ui.formatTime(entry.at)), cell(entry.actor), cell(entry.action), cell(entry.detail)));
            });
        });
    }

    function openDetail(id) {
        $('#detail-alert').addClass('d-none');
        return api('GET', userPath(id)).done(function (user) {
            renderDetail(user);
            loadSessions(id);
            loadAudit(id);
        }).fail(function (xhr) {
            showError(xhr, 'The user could not be loaded');
        });
    }

    /** After a change: the panel, the table row and the trail show the user as the server now has them. */
    function refreshAfterChange(message, user) {
        if (user) {
            renderDetail(user);
        }
        showDetailMessage(message);
        loadSessions(state.selectedId);
        loadAudit(state.selectedId);
        loadUsers();
    }

    function closeDetail() {
        state.selectedId = null;
        $('#user-detail').addClass('d-none').removeAttr('data-user-id');
    }

    // ---- actions ------------------------------------------------------------------------------------

    $('#user-search-form').on('submit', function (e) {
        e.preventDefault();
        state.search = $.trim($('#user-search').val());
        state.page = 1;
        loadUsers();
    });

    $rows.on('click', 'button[data-action=details]', function () {
        openDetail($(this).closest('tr').attr('data-user-id'));
    });

    $('#detail-close').on('click', closeDetail);

    $('#create-user-open').on('click', function () {
        var $form = $('#create-user-form');
        $form[0].reset();
        forms.clearErrors($form);
        setModalShown(document.getElementById('create-user-modal'), true);
    });

    $('#create-user-form').on('submit', function (e) {
        e.preventDefault();
        var $form = $(this);
        forms.clearErrors($form);
        var body = forms.values($form, ['userName', 'email', 'displayName', 'password']);
        body.roles = $form.find('input[name=roles]:checked').map(function () { return this.value; }).get();
        api('POST', '', body).done(function (user) {
            setModalShown(document.getElementById('create-user-modal'), false);
            state.search = user.userName;
            state.page = 1;
            $('#user-search').val(user.userName);
            loadUsers();
            openDetail(user.id).done(function () { showDetailMessage('User ' + user.userName + ' created.'); });
        }).fail(function (xhr) {
            forms.showProblem($form, xhr, 'The user could not be created');
        });
    });

    $('#profile-form').on('submit', function (e) {
        e.preventDefault();
        var $form = $(this);
        forms.clearErrors($form);
        api('PUT', userPath(state.selectedId), forms.values($form, ['displayName', 'email']))
            .done(function (user) { refreshAfterChange('Profile saved.', user); })
            .fail(function (xhr) { forms.showProblem($form, xhr, 'The profile could not be saved'); });
    });

    $('#roles-form').on('submit', function (e) {
        e.preventDefault();
        var $form = $(this);
        forms.clearErrors($form);
        var roles = $form.find('input[name=roles]:checked').map(function () { return this.value; }).get();
        confirmAction('Change the roles to ' + (roles.join(', ') || 'none') + '? The user will be signed out everywhere.', 'Change roles')
            .then(function (confirmed) {
                if (!confirmed) {
                    return;
                }
                api('PUT', userPath(state.selectedId, '/roles'), { roles: roles })
                    .done(function (user) { refreshAfterChange('Roles saved; the user was signed out.', user); })
                    .fail(function (xhr) { forms.showProblem($form, xhr, 'The roles could not be saved'); });
            });
    });

    $('#lock-form').on('submit', function (e) {
        e.preventDefault();
        var $form = $(this);
        forms.clearErrors($form);
        var local = $('#lock-until').val();
        var body = local ? { until: new Date(local).toISOString() } : {};
        var name = $('#detail-user-name').text();
        confirmAction('Lock ' + name + (local ? ' until ' + new Date(local).toLocaleString() : ' indefinitely') +
            '? Their sessions end at once.', 'Lock').then(function (confirmed) {
            if (!confirmed) {
                return;
            }
            api('POST', userPath(state.selectedId, '/lock'), body)
                .done(function (user) { refreshAfterChange(name + ' is locked out and signed out.', user); })
                .fail(function (xhr) { forms.showProblem($form, xhr, 'The user could not be locked'); });
        });
    });

    $('#unlock-user').on('click', function () {
        var $form = $('#lock-form');
        forms.clearErrors($form);
        api('POST', userPath(state.selectedId, '/unlock'))
            .done(function (user) { refreshAfterChange('Unlocked.', user); })
            .fail(function (xhr) { forms.showProblem($form, xhr, 'The user could not be unlocked'); });
    });

    $('#reset-form').on('submit', function (e) {
        e.preventDefault();
        var $form = $(this);
        forms.clearErrors($form);
        var newPassword = $('#reset-newPassword').val();
        confirmAction('Set a new password for ' + $('#detail-user-name').text() + '? Their sessions end at once.', 'Reset password')
            .then(function (confirmed) {
                if (!confirmed) {
                    return;
                }
                api('POST', userPath(state.selectedId, '/reset-password'), { newPassword: newPassword })
                    .done(function (user) {
                        $('#reset-newPassword').val('');
                        refreshAfterChange('Password reset; the user was signed out.', user);
                    })
                    .fail(function (xhr) { forms.showProblem($form, xhr, 'The password could not be reset'); });
            });
    });

    $('#send-reset').on('click', function () {
        var name = $('#detail-user-name').text();
        // 202 with no body: not through api(), which expects JSON.
        $.ajax({ url: API + userPath(state.selectedId, '/send-reset'), method: 'POST' })
            .done(function () { refreshAfterChange('A password reset link is on its way to ' + name + '.'); })
            .fail(function (xhr) { showDetailMessage(ui.problemText(xhr, 'The reset mail could not be sent'), 'danger'); });
    });

    $('#reset-2fa').on('click', function () {
        var name = $('#detail-user-name').text();
        var id = state.selectedId;
        confirmAction('Reset two-factor sign-in for ' + name + '? Their authenticator app and recovery codes stop working, ' +
            'and they are signed out everywhere.', 'Reset 2FA').then(function (confirmed) {
            if (!confirmed) {
                return;
            }
            api('POST', userPath(id, '/reset-2fa'))
                .done(function () {
                    api('GET', userPath(id)).done(function (user) {
                        refreshAfterChange('Two-factor sign-in reset; ' + name + ' was signed out.', user);
                    });
                })
                .fail(function (xhr) { showDetailMessage(ui.problemText(xhr, 'Two-factor sign-in could not be reset'), 'danger'); });
        });
    });

    $('#revoke-sessions').on('click', function () {
        confirmAction('Sign ' + $('#detail-user-name').text() + ' out of every session?', 'Revoke all').then(function (confirmed) {
            if (!confirmed) {
                return;
            }
            api('DELETE', userPath(state.selectedId, '/sessions'))
                .done(function () { refreshAfterChange('Every session was revoked.'); })
                .fail(function (xhr) { showDetailMessage(ui.problemText(xhr, 'The sessions could not be revoked'), 'danger'); });
        });
    });

    $('#delete-user').on('click', function () {
        var name = $('#detail-user-name').text();
        confirmAction('Delete ' + name + ' for good? This cannot be undone.', 'Delete').then(function (confirmed) {
            if (!confirmed) {
                return;
            }
            api('DELETE', userPath(state.selectedId))
                .done(function () {
                    closeDetail();
                    loadUsers();
                })
                .fail(function (xhr) { showDetailMessage(ui.problemText(xhr, 'The user could not be deleted'), 'danger'); });
        });
    });

    loadUsers();
}(jQuery, window));
