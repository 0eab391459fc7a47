/* The orders page: needs a session; its data will come from /api/orders. */
(function (window) {
    'use strict';

    if (!window.jwtmvc.auth.requireSession()) {
        return;
    }
}(window));
