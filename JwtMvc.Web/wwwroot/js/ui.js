/*
 * What every page script needs and would otherwise write again: the text of a failed request, times for
 * people, alerts, a pager, the password sign-in, and modals that never lose a click. Loaded by the layout after auth.js, before forms.js
 * and the page's own script. Text only ever goes into the page with .text().
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;

    /** A failed request's problem details (RFC 7807, or a validation problem), or null. */
    function problemOf(xhr) {
        if (!xhr) {
            return null;
        }
        if (xhr.responseJSON) {
            return xhr.responseJSON;
        }
        try {
            return JSON.parse(xhr.responseText);
        } catch (e) {
            return null;
        }
    }

    /**
     * What a failed request has to say: its validation messages, or its problem's detail or title, or
     * else fallback (a sentence without its full stop) with the status, or with "no answer".
     */
    function problemText(xhr, fallback) {
        if (!xhr || xhr.status === 0) {
            return fallback + ': the connection was closed before the server answered.';
        }
        var problem = problemOf(xhr);
        if (problem && problem.errors && typeof problem.errors === 'object') {
            var messages = [];
            $.each(problem.errors, function (_, list) { messages = messages.concat(list); });
            if (messages.length) {
                return messages.join(' ');
            }
        }
        return (problem && (problem.detail || problem.title)) || fallback + ' (' + xhr.status + ').';
    }

    /** An ISO 8601 time from the server in the reader's locale; "never" for the end of time, "" for none. */
    function formatTime(value) {
        if (!value) {
            return '';
        }
        var date = new Date(value);
        if (isNaN(date.getTime())) {
            return String(value);
        }
        return date.getUTCFullYear() >= 9999 ? 'never' : date.toLocaleString();
    }

    /** Shows message in a Bootstrap alert element; kind is success, warning, danger (default) or info. */
    function showAlert($alert, message, kind) {
        $($alert)
            .removeClass('d-none alert-success alert-warning alert-danger alert-info')
            .addClass('alert-' + (kind || 'danger'))
            .text(message);
    }

    /**
     * An admin page refused with 403: shows its "not for you" alert. When the only thing missing is a second
     * factor (Authorization:AdminRequiresMfa; the problem's code is mfa_required), the alert says so instead.
     */
    function showForbidden($alert, xhr) {
        var problem = problemOf(xhr);
        if (problem && problem.code === 'mfa_required' && problem.detail) {
            $($alert).text(problem.detail).attr('data-reason', 'mfa_required');
        }
        $($alert).removeClass('d-none');
    }

    function hideAlert($alert) {
        $($alert).addClass('d-none').text('');
    }

    function pageCount(totalCount, pageSize) {
        return Math.max(1, Math.ceil(totalCount / pageSize));
    }

    /**
     * Previous / next buttons and a "Page 2 of 5 · 93 orders" line over state.page and state.pageSize.
     * options: previous, next, info (selectors), noun [one, many], load (called after the page changed).
     * render(totalCount) shows where the list is and answers the number of pages.
     */
    function pager(state, options) {
        $(options.previous).on('click', function () {
            state.page = Math.max(1, state.page - 1);
            options.load();
        });
        $(options.next).on('click', function () {
            state.page += 1;
            options.load();
        });
        return {
            render: function (totalCount) {
                var pages = pageCount(totalCount, state.pageSize);
                $(options.info).text('Page ' + state.page + ' of ' + pages + ' \u00b7 ' + totalCount + ' ' +
                    (totalCount === 1 ? options.noun[0] : options.noun[1]));
                $(options.previous).prop('disabled', state.page <= 1);
                $(options.next).prop('disabled', state.page >= pages);
                return pages;
            }
        };
    }

    /** POST /api/auth/login; when it answers a token, the browser is signed in before the caller hears of it. */
    function login(userName, password) {
        return $.ajax({
            url: '/api/auth/login',
            method: 'POST',
            contentType: 'application/json',
            dataType: 'json',
            data: JSON.stringify({ userName: userName, password: password }),
            jwtmvcAnonymous: true
        }).done(function (response) {
            if (response && response.accessToken) {
                auth.signIn(response);
            }
        });
    }

    /** After signing in: to this page's returnUrl when it stays on this site, otherwise home. */
    function followReturnUrl() {
        var returnUrl = new URLSearchParams(window.location.search).get('returnUrl');
        window.location.assign(auth.localReturnUrl(returnUrl));
    }

    // Bootstrap ignores show() and hide() while a modal is still fading in or out, so a click that lands
    // during the fade (a quick user, a busy machine) would be lost: Confirm would leave the dialog open, the
    // action undone, and a later Cancel would be taken for the Confirm. Every modal's fade is tracked here,
    // and setModalShown defers a call made during a fade to its end. Bound on the modals themselves, not
    // delegated: this script runs after the page's markup and before its own script, so these handlers run
    // before any the page binds, and a deferred call finds the fade already over.
    $('.modal')
        .on('show.bs.modal hide.bs.modal', function (e) { $(this).data('jwtmvc-fading', e.type === 'show' ? 'shown' : 'hidden'); })
        .on('shown.bs.modal hidden.bs.modal', function () { $(this).removeData('jwtmvc-fading'); });

    function setModalShown(element, shown) {
        var fadingTo = $(element).data('jwtmvc-fading');
        if (fadingTo) {
            $(element).one(fadingTo + '.bs.modal', function () { setModalShown(element, shown); });
            return;
        }
        var modal = window.bootstrap.Modal.getOrCreateInstance(element);
        if (shown) {
            modal.show();
        } else {
            modal.hide();
        }
    }

    /**
     * The page's #confirm-modal (the admin pages' _ConfirmModal partial) asking to confirm; resolves true on
     * Confirm, false when dismissed.
     */
    function confirmAction(message, confirmLabel) {
        var element = document.getElementById('confirm-modal');
        $('#confirm-message').text(message);
        $('#confirm-ok').text(confirmLabel || 'Confirm');
        return new Promise(function (resolve) {
            var confirmed = false;
            $('#confirm-ok').off('click.confirm').on('click.confirm', function () {
                confirmed = true;
                setModalShown(element, false);
            });
            // Bound when this dialog starts to open, so that the end of an earlier one's fade-out is not taken for its answer.
            $(element).one('show.bs.modal', function () {
                $(element).one('hidden.bs.modal', function () {
                    $('#confirm-ok').off('click.confirm');
                    resolve(confirmed);
                });
            });
            setModalShown(element, true);
        });
    }

    window.jwtmvc = window.jwtmvc || {};
    window.jwtmvc.ui = {
        problemOf: problemOf,
        problemText: problemText,
        formatTime: formatTime,
        showAlert: showAlert,
        hideAlert: hideAlert,
        showForbidden: showForbidden,
        pageCount: pageCount,
        pager: pager,
        login: login,
        followReturnUrl: followReturnUrl,
        setModalShown: setModalShown,
        confirmAction: confirmAction
    };
}(jQuery, window));
