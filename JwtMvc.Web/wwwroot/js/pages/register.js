/* Creating an account: POST /api/account/register, then signed in as the new user. */
(function ($, window) {
    'use strict';

    var ui = window.jwtmvc.ui;
    var forms = window.jwtmvc.forms;
    var $form = $('#register-form');

    $form.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($form);
        var body = forms.values($form, ['userName', 'email', 'password']);
        if ($form.find('[name=confirmPassword]').val() !== body.password) {
            forms.showFieldError($form, 'confirmPassword', 'The passwords do not match.');
            return;
        }

        forms.setBusy($form, true);
        var accountCreated = false; // a failure after this is the sign-in's, not the registration's
        forms.postJson('/api/account/register', body).then(function (created) {
            accountCreated = true;
            if (created && created.confirmationRequired) {
                forms.setBusy($form, false);
                $form.trigger('reset');
                forms.showAlert($form, 'Almost done: we sent a confirmation link to ' + body.email + '. Open it, then log in.', 'success');
                return $.Deferred().promise();
            }
            return ui.login(body.userName, body.password);
        }).done(ui.followReturnUrl).fail(function (xhr) {
            forms.setBusy($form, false);
            if (!accountCreated) {
                forms.showProblem($form, xhr, 'The account could not be created');
            } else if (xhr.status === 429) {
                forms.showAlert($form, 'Your account was created, but signing in was refused for now. Log in again in a minute.', 'warning');
            } else {
                forms.showAlert($form, 'Your account was created, but signing in failed. Log in with it.', 'warning');
            }
        });
    });
}(jQuery, window));
