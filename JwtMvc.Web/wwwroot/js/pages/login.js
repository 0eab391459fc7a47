/* The login page: posts the form to /api/auth/login and goes to returnUrl when it is local. */
(function ($, window) {
    'use strict';

    var ui = window.jwtmvc.ui;
    var forms = window.jwtmvc.forms;
    var $form = $('#login-form');
    var mfaToken = null;

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
        ui.login(body.userName, body.password).done(function (response) {
            if (response && response.twoFactorRequired) {
                askForSecondFactor(response.mfaToken);
                return;
            }
            ui.followReturnUrl();
        }).fail(function (xhr) {
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

    /** The password was right and the account has two-factor sign-in: ask for the code; nothing is signed in yet. */
    function askForSecondFactor(token) {
        mfaToken = token;
        var $twoFactorForm = $($('#two-factor-template').prop('content').cloneNode(true)).children('form');
        $form.replaceWith($twoFactorForm);
        wireSecondFactor($twoFactorForm);
        $twoFactorForm.find('[name=code]').trigger('focus');
    }

    function wireSecondFactor($twoFactorForm) {
        $twoFactorForm.find('#use-recovery-code').on('click', function () {
            $twoFactorForm.find('[data-otp-field]').addClass('d-none').find('input').val('');
            $twoFactorForm.find('[data-recovery-field]').removeClass('d-none').find('input').trigger('focus');
            $(this).addClass('d-none');
        });

        $twoFactorForm.on('submit', function (e) {
            e.preventDefault();
            forms.clearErrors($twoFactorForm);
            var code = ($twoFactorForm.find('[name=code]').val() || '').replace(/\s+/g, '');
            var recoveryCode = ($twoFactorForm.find('[name=recoveryCode]').val() || '').trim();
            if (!recoveryCode && !/^[0-9]{6}$/.test(code)) {
                forms.showFieldError($twoFactorForm, 'code', 'Enter the six digits your authenticator app shows.');
                return;
            }

            forms.setBusy($twoFactorForm, true);
            $.ajax({
                url: '/api/auth/login/2fa',
                method: 'POST',
                contentType: 'application/json',
                dataType: 'json',
                data: JSON.stringify(recoveryCode ? { mfaToken: mfaToken, recoveryCode: recoveryCode } : { mfaToken: mfaToken, code: code }),
                jwtmvcAnonymous: true
            }).done(function (response) {
                window.jwtmvc.auth.signIn(response);
                ui.followReturnUrl();
            }).fail(function (xhr) {
                forms.setBusy($twoFactorForm, false);
                $twoFactorForm.find('input').val('');
                if (xhr.status === 400) {
                    forms.showProblem($twoFactorForm, xhr, 'Check the code');
                } else if (xhr.status === 423) {
                    forms.showAlert($twoFactorForm, explain(xhr));
                } else {
                    forms.showAlert($twoFactorForm, 'The code is wrong, or this sign-in took too long. Try the next code, or reload the page to start again.');
                }
            });
        });
    }

    /* Passkey sign-in: options from the server, the browser's passkey prompt, the answer back; no user name typed. */
    var passkeys = window.jwtmvc.passkeys;
    var $passkey = $('#passkey-sign-in');
    if ($passkey.length && passkeys.supported()) {
        var $passkeyAlert = $passkey.find('[data-passkey-alert]');
        var $passkeyButton = $('#passkey-login');
        $passkey.removeClass('d-none');

        $passkeyButton.on('click', function () {
            ui.hideAlert($passkeyAlert);
            $passkeyButton.prop('disabled', true);
            function failed(message) {
                ui.showAlert($passkeyAlert, message, 'danger');
                $passkeyButton.prop('disabled', false);
            }

            $.ajax({ url: '/api/auth/passkey/options', method: 'POST', dataType: 'json', jwtmvcAnonymous: true }).done(function (options) {
                passkeys.get(options).then(function (credential) {
                    $.ajax({
                        url: '/api/auth/passkey/login',
                        method: 'POST',
                        contentType: 'application/json',
                        dataType: 'json',
                        data: JSON.stringify({ credential: credential }),
                        jwtmvcAnonymous: true
                    }).done(function (response) {
                        window.jwtmvc.auth.signIn(response);
                        ui.followReturnUrl();
                    }).fail(function (xhr) {
                        failed(xhr.status === 401 ? 'That passkey was not accepted. It may have been removed from your account.' : explain(xhr));
                    });
                }, function (error) {
                    failed(passkeys.explain(error));
                });
            }).fail(function (xhr) {
                failed(explain(xhr));
            });
        });
    }
}(jQuery, window));
