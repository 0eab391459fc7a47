/* The login page: posts the form to /api/auth/login and goes to returnUrl when it is local. */
(function ($, window) {
    'use strict';

    var ui = window.jwtmvc.ui;
    var forms = window.jwtmvc.forms;
    var $form = $('#login-form');

    /** Retry-After, in seconds from now (it may be a number of seconds or an HTTP date); 0 when absent. */
    function retryAfterSeconds(xhr) {
        var header = xhr.getResponseHeader('Retry-After') || '';
        var seconds = /^\d+$/.test(header) ? parseInt(header, 10) : Math.ceil((Date.parse(header) - Date.now()) / 1000);
        return seconds > 0 ? seconds : 0;
    }

    function describeWait(seconds) {
        return seconds >= 120 ? Math.ceil(seconds / 60) + ' minutes'
            : seconds === 1 ? '1 second' : seconds + ' seconds';
    }

    function explain(xhr) {
        switch (xhr.status) {
            case 401:
                return 'The user name or password is incorrect.';
            case 403:
                $('#resend-confirmation').removeClass('d-none');
                return 'Confirm your email address first: open the link we mailed you.';
            case 423:
                return 'This account is locked after too many failed attempts. Try again later, or ask an administrator to unlock it.';
            case 429: {
                var wait = retryAfterSeconds(xhr);
                return 'Too many sign-in attempts. ' + (wait ? 'Try again in ' + describeWait(wait) + '.' : 'Try again later.');
            }
            case 0:
                return 'The server could not be reached. Check your connection and try again.';
            default:
                return 'Signing in failed (' + xhr.status + '). Try again in a moment.';
        }
    }

    $form.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($form);
        var body = forms.values($form, ['userName', 'password']);
        if (!body.userName || !body.password) {
            if (!body.userName) {
                forms.showFieldError($form, 'userName', 'Enter your user name or email.');
            }
            if (!body.password) {
                forms.showFieldError($form, 'password', 'Enter your password.');
            }
            return;
        }

        forms.setBusy($form, true);
        ui.login(body.userName, body.password).done(ui.followReturnUrl).fail(function (xhr) {
            if (xhr.status === 400) {
                forms.showProblem($form, xhr, 'Check the user name and password');
            } else {
                forms.showAlert($form, explain(xhr));
            }
            forms.setBusy($form, false);
            $form.find('[name=password]').val('');
            var blockedFor = xhr.status === 429 ? retryAfterSeconds(xhr) : 0;
            if (blockedFor > 0) {
                // The server refuses until then anyway; the button says so by staying disabled.
                var $button = $form.find('button[type=submit]').prop('disabled', true);
                window.setTimeout(function () { $button.prop('disabled', false); }, blockedFor * 1000);
            } else {
                $form.find('[name=password]').trigger('focus');
            }
        });
    });
}(jQuery, window));
