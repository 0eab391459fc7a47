/* Changing the password: POST /api/account/password; the server signs out the user's other sessions. */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var forms = window.jwtmvc.forms;
    if (!auth.requireSession()) {
        return;
    }

    var $form = $('#password-form');
    $form.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($form);
        var body = forms.values($form, ['currentPassword', 'newPassword']);
        if ($form.find('[name=confirmNewPassword]').val() !== body.newPassword) {
            forms.showFieldError($form, 'confirmNewPassword', 'The new passwords do not match.');
            return;
        }

        forms.setBusy($form, true);
        forms.postJson('/api/account/password', body).done(function () {
            $form.trigger('reset');
            forms.showAlert($form, 'Your password was changed. Your other sessions have been signed out.', 'success');
        }).fail(function (xhr) {
            forms.showProblem($form, xhr, 'The password could not be changed');
        }).always(function () {
            forms.setBusy($form, false);
        });
    });
}(jQuery, window));
