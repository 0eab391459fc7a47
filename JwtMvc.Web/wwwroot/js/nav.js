/*
 * The nav bar: shows the parts marked data-jwtmvc-signed-in / -signed-out / -role, the user's name and
 * display name, as the stored access token describes the user (display only: the server decides what
 * they may do). Drawn when the page is ready and again on every "jwtmvc:token-changed" from auth.js,
 * which includes changes made in another tab. Also wires the logout button (#logout).
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;

    // The display name is not in the token (admins may change it at any time), so the nav asks /api/me
    // for it once per page and user. Sent without the retry machinery: a refused call only means the nav
    // shows the user name alone, and must never send a public page to the login form.
    var displayName = { userId: null, value: '', requestedWith: null };

    function loadDisplayName() {
        var token = auth.getToken();
        var user = auth.currentUser();
        if (!user || displayName.userId === user.id || displayName.requestedWith === token || !auth.isFresh()) {
            return;
        }
        displayName.requestedWith = token;
        $.ajax({
            url: '/api/me',
            dataType: 'json',
            headers: { Authorization: 'Bearer ' + token },
            jwtmvcAnonymous: true
        }).done(function (me) {
            displayName = { userId: me.id, value: me.displayName || '', requestedWith: token };
            render();
        });
    }

    function render() {
        var user = auth.currentUser();
        var shownDisplayName = user && displayName.userId === user.id ? displayName.value : '';
        $('[data-jwtmvc-display-name]').text(shownDisplayName).toggleClass('d-none', !shownDisplayName);
        $('[data-jwtmvc-signed-in]').toggleClass('d-none', !user);
        $('[data-jwtmvc-signed-out]').toggleClass('d-none', !!user);
        $('[data-jwtmvc-role]').each(function () {
            var role = $(this).attr('data-jwtmvc-role');
            $(this).toggleClass('d-none', !user || user.roles.indexOf(role) < 0);
        });
        $('[data-jwtmvc-user-name]').text(user ? user.name : '');
        $('#nav-login').attr('href', auth.loginUrlFromHere());
    }

    function update() {
        render();
        loadDisplayName();
    }

    $(window.document).on(auth.tokenChangedEvent, update);

    $(window.document).on('click', '#logout', function (e) {
        e.preventDefault();
        $(this).prop('disabled', true);
        auth.logout();
    });

    $(update);
}(jQuery, window));
