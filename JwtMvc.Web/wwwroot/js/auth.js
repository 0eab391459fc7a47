/*
 * JwtMvc browser client, used by every page (after jQuery, before the page's own script).
 *
 * - The access token and its expiry live in localStorage (jwtmvc.accessToken, jwtmvc.expiresAt). The
 *   refresh token is an HttpOnly cookie (path /api/auth) that this script never sees.
 * - A $.ajaxPrefilter adds "Authorization: Bearer <token>" to same-origin requests only.
 * - A 401 whose WWW-Authenticate says invalid_token starts one refresh, shared by every request waiting at
 *   that moment; each of them is then repeated once with the new token. Callers do not see this: the
 *   promise $.ajax returned settles with the repeated request's result.
 * - Tabs refresh one at a time (Web Locks, lock "jwtmvc.refresh"). A tab that waited for the lock first
 *   looks whether another tab has just stored a fresh token, and uses it instead of refreshing again.
 * - The token is refreshed ahead of its expiry while a page is open.
 * - A refresh that got no answer (network) is sent again within a few seconds: the server may have rotated the
 *   cookie and lost the answer, and within its retry window (Jwt:RefreshRetrySeconds, 30 s) the old cookie
 *   gets the same new one, so a lost answer never signs the user out.
 * - The storage event keeps tabs in step: a sign-out in one sends the others to the login page; a new
 *   token stored by one is used by all (every request reads the token from localStorage).
 * - Every change of the stored token, in this tab or another, raises "jwtmvc:token-changed" on document
 *   (detail {signedIn}); nav.js draws the nav bar from it. This file never touches the page's DOM.
 *
 * Public surface: window.jwtmvc.auth (see the bottom of this file).
 */
(function ($, window) {
    'use strict';

    var TOKEN_KEY = 'jwtmvc.accessToken';
    var EXPIRES_KEY = 'jwtmvc.expiresAt';
    var LOCK_NAME = 'jwtmvc.refresh';
    var LOGIN_PATH = '/account/login';
    var REFRESH_URL = '/api/auth/refresh';
    var LOGOUT_URL = '/api/auth/logout';
    // A token with less than this left is not worth sending.
    var FRESH_MS = 5000;
    // Refresh ahead of expiry: a fifth of the remaining lifetime, at most a minute.
    var MAX_AHEAD_MS = 60000;
    // After a refresh that failed for a passing reason (5xx, or no answer after the quick retries), try again this much later.
    var RETRY_MS = 15000;
    // A refresh that got no answer is sent again after each of these delays, well inside the server's 30 s
    // retry window, before it counts as failed.
    var NETWORK_RETRY_DELAYS_MS = [500, 1500, 3000];
    // How long a tab that waited for another tab's refresh waits for that tab's token to reach it.
    var HANDOFF_MS = 2000;
    // Pages where being signed out is the normal state: no redirect to the login page from there.
    var SIGNED_OUT_PAGES = ['/account/login', '/account/register', '/account/forgot-password', '/account/reset-password',
        '/account/confirm-email', '/account/confirm-email-change'];
    var TOKEN_CHANGED_EVENT = 'jwtmvc:token-changed';

    var storage = window.localStorage;
    var refreshInFlight = null;
    var refreshTimer = null;
    var sessionRequired = false;

    // ---- stored session ---------------------------------------------------------------------------

    function getToken() {
        return storage.getItem(TOKEN_KEY);
    }

    function getExpiresAt() {
        var value = Date.parse(storage.getItem(EXPIRES_KEY) || '');
        return isNaN(value) ? 0 : value;
    }

    function isFresh(token) {
        return !!token && token === getToken() && getExpiresAt() - Date.now() > FRESH_MS;
    }

    /** Stores a login or refresh response ({accessToken, expiresAt, expiresIn, ...}). */
    function signIn(response) {
        var expiresAt = response.expiresAt ||
            new Date(Date.now() + (response.expiresIn || 0) * 1000).toISOString();
        // Expiry first: another tab that sees the new token must also see its expiry.
        storage.setItem(EXPIRES_KEY, expiresAt);
        storage.setItem(TOKEN_KEY, response.accessToken);
        tokenChanged();
    }

    /** Forgets the session in this browser (every tab); the server is not told. */
    function clear() {
        storage.removeItem(TOKEN_KEY);
        storage.removeItem(EXPIRES_KEY);
        tokenChanged();
    }

    function decodeClaims(token) {
        try {
            var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
            while (part.length % 4) {
                part += '=';
            }
            var bytes = Uint8Array.from(window.atob(part), function (c) { return c.charCodeAt(0); });
            return JSON.parse(new TextDecoder().decode(bytes));
        } catch (e) {
            return null;
        }
    }

    /**
     * The signed-in user as the token describes them, for display only (the server decides what they
     * may do): {id, name, roles, sessionId}, or null when signed out.
     */
    function currentUser() {
        var token = getToken();
        var claims = token && decodeClaims(token);
        if (!claims) {
            return null;
        }
        return {
            id: claims.sub,
            name: claims.name || '',
            roles: claims.role == null ? [] : [].concat(claims.role),
            sessionId: claims.sid
        };
    }

    // ---- URLs ---------------------------------------------------------------------------------------

    function currentPathAndQuery() {
        return window.location.pathname + window.location.search;
    }

    function loginUrl(returnUrl) {
        return returnUrl && returnUrl !== '/'
            ? LOGIN_PATH + '?returnUrl=' + encodeURIComponent(returnUrl)
            : LOGIN_PATH;
    }

    /** The login page, coming back to this page afterwards (unless this page is a sign-in page itself). */
    function loginUrlFromHere() {
        return isSignedOutPage() ? LOGIN_PATH : loginUrl(currentPathAndQuery());
    }

    function goToLogin(returnUrl) {
        window.location.assign(loginUrl(returnUrl));
    }

    /**
     * Where to go after signing in: returnUrl resolved as the browser would resolve it (dot segments,
     * backslashes, encoded dots, tabs and "//" all count), as a path on this site, or "/" when it leads
     * anywhere else. The answer is itself resolved once more: "/.//host" resolves to the local path
     * "//host", which, followed as it stands, would leave the site.
     */
    function localReturnUrl(value) {
        if (typeof value !== 'string') {
            return '/';
        }
        var origin = window.location.origin;
        try {
            var target = new URL(value, origin);
            var path = target.pathname + target.search + target.hash;
            var followed = new URL(path, origin);
            return target.origin === origin && followed.href === target.href ? path : '/';
        } catch (e) {
            return '/';
        }
    }

    function isSameOrigin(url) {
        try {
            return new URL(url, window.location.href).origin === window.location.origin;
        } catch (e) {
            return false;
        }
    }

    function isSignedOutPage() {
        return SIGNED_OUT_PAGES.indexOf(window.location.pathname.toLowerCase()) >= 0;
    }

    // ---- refresh ------------------------------------------------------------------------------------

    /**
     * Runs work(waited) holding the cross-tab refresh lock. waited is true when another tab held the lock
     * first, i.e. was most likely refreshing. Without Web Locks (very old browser, or not a secure
     * context) tabs are not serialised.
     */
    function withRefreshLock(work) {
        var locks = window.navigator.locks;
        if (!locks || typeof locks.request !== 'function') {
            return Promise.resolve().then(function () { return work(false); });
        }
        var contended = {};
        return locks.request(LOCK_NAME, { ifAvailable: true }, function (lock) {
            return lock ? work(false) : contended;
        }).then(function (result) {
            return result === contended ? locks.request(LOCK_NAME, function () { return work(true); }) : result;
        });
    }

    /**
     * Another tab that held the lock stored its new token before releasing it, but localStorage reaches
     * this tab a moment later (its storage event). Resolves with that token, or null when none arrives in
     * time or the session was cleared, so that this tab never rotates the refresh cookie needlessly.
     */
    function tokenFromAnotherTab(staleToken) {
        return new Promise(function (resolve) {
            var done = false;
            function finish(token) {
                if (!done) {
                    done = true;
                    window.clearTimeout(timer);
                    $(window).off('storage', onStorage);
                    resolve(token);
                }
            }
            function onStorage(e) {
                var event = e.originalEvent || e;
                if (event.key === TOKEN_KEY || event.key === null) {
                    var latest = getToken();
                    finish(latest && latest !== staleToken && isFresh(latest) ? latest : null);
                }
            }
            var timer = window.setTimeout(function () { finish(null); }, HANDOFF_MS);
            $(window).on('storage', onStorage);
        });
    }

    function postRefresh() {
        return postRefreshAttempt(0);
    }

    function postRefreshAttempt(attempt) {
        return Promise.resolve($.ajax({
            url: REFRESH_URL,
            method: 'POST',
            dataType: 'json',
            headers: { 'X-Requested-With': 'XMLHttpRequest' },
            jwtmvcAnonymous: true
        })).then(function (response) {
            signIn(response);
            return response.accessToken;
        }, function (error) {
            if (isNetworkFailure(error) && attempt < NETWORK_RETRY_DELAYS_MS.length) {
                return delay(NETWORK_RETRY_DELAYS_MS[attempt]).then(function () {
                    return postRefreshAttempt(attempt + 1);
                });
            }
            throw error;
        });
    }

    /** No answer at all (connection refused or cut), as opposed to an answer saying no or a deliberate abort. */
    function isNetworkFailure(xhr) {
        return !!xhr && xhr.status === 0 && xhr.statusText !== 'abort';
    }

    function delay(ms) {
        return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
    }

    /**
     * A Promise of a usable access token, replacing staleToken (the one a request was refused with, or
     * the one about to expire). One refresh at a time per tab: callers arriving while it runs share it.
     * Rejects with the refresh's jqXHR when it failed.
     */
    function refresh(staleToken) {
        var current = getToken();
        if (current && current !== staleToken && isFresh(current)) {
            return Promise.resolve(current);
        }
        if (!refreshInFlight) {
            refreshInFlight = withRefreshLock(function (waited) {
                // Another tab may have refreshed while this one waited for the lock: use its token rather
                // than rotating the refresh cookie a second time.
                var latest = getToken();
                if (latest && latest !== staleToken && isFresh(latest)) {
                    return latest;
                }
                if (!waited) {
                    return postRefresh();
                }
                return tokenFromAnotherTab(staleToken).then(function (token) {
                    return token || postRefresh();
                });
            }).then(function (token) {
                refreshInFlight = null;
                return token;
            }, function (error) {
                refreshInFlight = null;
                throw error;
            });
        }
        return refreshInFlight;
    }

    /** True when a failed refresh means the session is over (rather than the network or server failing). */
    function sessionIsOver(refreshError) {
        var status = refreshError && refreshError.status;
        return status === 400 || status === 401 || status === 403;
    }

    function scheduleRefresh() {
        window.clearTimeout(refreshTimer);
        refreshTimer = null;
        var token = getToken();
        if (!token) {
            return;
        }
        var remaining = getExpiresAt() - Date.now();
        var ahead = Math.min(MAX_AHEAD_MS, Math.max(remaining, 0) / 5);
        var delay = Math.min(Math.max(remaining - ahead, 0), 0x7fffffff);
        refreshTimer = window.setTimeout(function () { refreshAhead(token); }, delay);
    }

    function refreshAhead(token) {
        refresh(token).catch(function (error) {
            if (sessionIsOver(error)) {
                clear();
                if (sessionRequired) {
                    goToLogin(currentPathAndQuery());
                }
            } else {
                refreshTimer = window.setTimeout(function () { refreshAhead(token); }, RETRY_MS);
            }
        });
    }

    // ---- every AJAX request -----------------------------------------------------------------------

    function isInvalidToken(xhr) {
        return xhr.status === 401 && /invalid_token/i.test(xhr.getResponseHeader('WWW-Authenticate') || '');
    }

    $.ajaxPrefilter(function (options, originalOptions, jqXHR) {
        // jQuery works out crossDomain before the prefilters run; the URL check guards against a caller
        // that forced crossDomain: false for another origin.
        if (options.crossDomain || !isSameOrigin(options.url) || options.jwtmvcAnonymous) {
            return;
        }
        var sentToken = getToken();
        if (!sentToken) {
            return;
        }
        jqXHR.setRequestHeader('Authorization', 'Bearer ' + sentToken);
        if (options.jwtmvcRetry) {
            return; // a repeated request is never repeated again
        }

        // The URL as the caller gave it: jQuery appends GET data to options.url after the prefilters.
        var url = options.url;
        var outcome = $.Deferred();
        // "complete" must wait for the repeated request too, so it is taken off the first one and run
        // after the caller's success or error callbacks, as jQuery would.
        var complete = options.complete;
        options.complete = null;

        function settle(resolved, context, args) {
            if (resolved) {
                outcome.resolveWith(context, args);
            } else {
                outcome.rejectWith(context, args);
            }
            if (complete) {
                $.Callbacks().add(complete).fireWith(options.context || options, [jqXHR, resolved ? 'success' : 'error']);
            }
        }

        jqXHR.done(function () {
            settle(true, this, arguments);
        }).fail(function (xhr) {
            var context = this;
            var failure = arguments;
            if (!isInvalidToken(xhr)) {
                settle(false, context, failure);
                return;
            }
            refresh(sentToken).then(function () {
                var retry = $.extend({}, originalOptions, { url: url, jwtmvcRetry: true });
                delete retry.success;
                delete retry.error;
                delete retry.complete;
                $.ajax(retry).done(function () {
                    settle(true, context, arguments);
                }).fail(function () {
                    settle(false, context, arguments);
                });
            }, function (refreshError) {
                if (sessionIsOver(refreshError)) {
                    clear();
                    goToLogin(currentPathAndQuery());
                }
                settle(false, context, failure);
            });
        });

        // From here on, done/fail/then/always on the jqXHR the caller holds attach to the outcome.
        outcome.promise(jqXHR);
    });

    // ---- pages ----------------------------------------------------------------------------------------

    /**
     * For pages that need a signed-in user: true when there is a session (its token may be refreshed on
     * first use); otherwise sends the browser to the login page with this page as returnUrl and returns
     * false, and the page's script should stop.
     */
    function requireSession() {
        sessionRequired = true;
        if (getToken()) {
            return true;
        }
        goToLogin(currentPathAndQuery());
        return false;
    }

    /** Ends the session on the server (refresh cookie) and in every tab, then shows the login page. */
    function logout() {
        return Promise.resolve($.ajax({
            url: LOGOUT_URL,
            method: 'POST',
            headers: { 'X-Requested-With': 'XMLHttpRequest' },
            jwtmvcAnonymous: true
        })).catch(function () {
            // Signed out here whatever the server answered; an unreachable server keeps an orphan
            // session that expires on its own.
        }).then(function () {
            clear();
            window.location.assign(LOGIN_PATH);
        });
    }

    /**
     * Tells whoever shows the session (the nav bar, nav.js) that the stored token changed, in this tab
     * or in another: a "jwtmvc:token-changed" event on document, detail {signedIn}. This file itself
     * never touches the page.
     */
    function tokenChanged() {
        scheduleRefresh();
        window.document.dispatchEvent(new window.CustomEvent(TOKEN_CHANGED_EVENT, {
            detail: { signedIn: !!getToken() }
        }));
    }

    $(window).on('storage', function (e) {
        var event = e.originalEvent;
        if (event.storageArea !== storage || (event.key !== TOKEN_KEY && event.key !== null)) {
            return;
        }
        tokenChanged();
        if (!getToken() && !isSignedOutPage()) {
            // Signed out in another tab (logout, or a refresh that found the session over).
            window.location.assign(LOGIN_PATH);
        }
    });

    $(window.document).on('visibilitychange', function () {
        // Timers of hidden tabs are throttled; catch up on a refresh that is due.
        if (window.document.visibilityState === 'visible') {
            scheduleRefresh();
        }
    });

    scheduleRefresh();

    window.jwtmvc = window.jwtmvc || {};
    window.jwtmvc.auth = {
        getToken: getToken,
        getExpiresAt: getExpiresAt,
        currentUser: currentUser,
        signIn: signIn,
        clear: clear,
        refresh: function () { return refresh(getToken()); },
        logout: logout,
        requireSession: requireSession,
        loginUrl: loginUrl,
        loginUrlFromHere: loginUrlFromHere,
        localReturnUrl: localReturnUrl,
        isFresh: function () { return isFresh(getToken()); },
        tokenChangedEvent: TOKEN_CHANGED_EVENT
    };
}(jQuery, window));
