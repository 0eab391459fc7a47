/*
 * Asking for a mail by address: the forgot-password form (POST /api/account/forgot-password) and the
 * resend-confirmation form (POST /api/account/resend-confirmation). The server answers 202 whatever the
 * address, so the page says the same thing for every address too.
 */
(function ($, window) {
    'use strict';

    var forms = window.jwtmvc.forms;

    function wire($form, url, done) {
        $form.on('submit', function (e) {
            e.preventDefault();
            forms.clearErrors($form);
            var body = forms.values($form, ['email']);
            if (!body.email) {
                forms.showFieldError($form, 'email', 'Enter your email address.');
                return;
            }

            forms.setBusy($form, true);
            $.ajax({
                url: url,
                method: 'POST',
                contentType: 'application/json',
                data: JSON.stringify(body),
                jwtmvcAnonymous: true
            }).done(function () {
                forms.showAlert($form, done, 'success');
            }).fail(function (xhr) {
                forms.showProblem($form, xhr, xhr.status === 429
                    ? 'Too many requests from this address. Try again in a minute.'
                    : 'The request failed (' + xhr.status + '). Try again in a moment.');
            }).always(function () {
                forms.setBusy($form, false);
            });
        });
    }

    wire($('#forgot-form'), '/api/account/forgot-password',
        'If an account has this address, a link to choose a new password is on its way. Check your mail.');
    wire($('#resend-form'), '/api/account/resend-confirmation',
        'If an unconfirmed account has this address, a new confirmation link is on its way. Check your mail.');
}(jQuery, window));
