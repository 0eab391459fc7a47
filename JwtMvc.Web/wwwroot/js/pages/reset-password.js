/* Choosing a new password with the mailed link: POST /api/account/reset-password; every session ends. */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var forms = window.jwtmvc.forms;
    var $form = $('#reset-form');
    var query = new URLSearchParams(window.location.search);
    var link = { userId: query.get('userId') || '', code: query.get('code') || '' };
    // The code is a credential: keep it out of the address bar (and so out of history and screenshots).
    window.history.replaceState(null, '', window.location.pathname);
    if (!link.userId || !link.code) {
        forms.showAlert($form, 'This page needs the link from the reset mail. Ask for a new one below.');
    }

    $form.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($form);
        var newPassword = $form.find('[name=newPassword]').val();
        if ($form.find('[name=confirmNewPassword]').val() !== newPassword) {
            forms.showFieldError($form, 'confirmNewPassword', 'The new passwords do not match.');
            return;
        }

        forms.setBusy($form, true);
        $.ajax({
            url: '/api/account/reset-password',
            method: 'POST',
            contentType: 'application/json',
            data: JSON.stringify({ userId: link.userId, code: link.code, newPassword: newPassword }),
            jwtmvcAnonymous: true
        }).done(function () {
            auth.clear();
            $form.trigger('reset').find('input, button').prop('disabled', true);
            forms.showAlert($form, 'Your password was changed, and you were signed out everywhere.', 'success');
            $('#reset-done').removeClass('d-none');
        }).fail(function (xhr) {
            forms.showProblem($form, xhr, 'The password could not be changed (' + xhr.status + ').');
        }).always(function () {
            forms.setBusy($form, false);
        });
    });
}(jQuery, window));
