/* The upload page: needs a session; its data will come from /api/uploads. */
(function (window) {
    'use strict';

    if (!window.jwtmvc.auth.requireSession()) {
        return;
    }
}(window));
