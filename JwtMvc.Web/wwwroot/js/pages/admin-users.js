/* User management: needs a session; says so up front when the user is not an administrator (the API
   refuses them anyway). Its data will come from /api/admin/users. */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    if (!auth.requireSession()) {
        return;
    }

    var user = auth.currentUser();
    $('#admin-forbidden').toggleClass('d-none', !!user && user.roles.indexOf('Admin') >= 0);
}(jQuery, window));
