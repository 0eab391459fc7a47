/* Two-factor sign-in: enrol an authenticator app (/api/account/2fa/*), show recovery codes once, renew, turn off. */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var forms = window.jwtmvc.forms;
    var ui = window.jwtmvc.ui;
    var $section = $('#two-factor');
    if (!$section.length || !auth.requireSession()) {
        return;
    }

    var $alert = $section.find('[data-two-factor-alert]');
    var $enrol = $('#two-factor-enrol-form');
    var $manage = $('#two-factor-manage-form');

    function render(status) {
        $section.find('[data-two-factor-status]').text(status.enabled
            ? 'On. Recovery codes left: ' + status.recoveryCodesLeft + '.'
            : 'Off. Your password alone signs you in.');
        $section.find('[data-two-factor-off]').toggleClass('d-none', status.enabled);
        $manage.toggleClass('d-none', !status.enabled);
        if (status.enabled) {
            $enrol.addClass('d-none');
        }
    }

    function load() {
        return $.getJSON('/api/account/2fa').done(render);
    }

    function showCodes(codes) {
        var $list = $('#recovery-code-list').empty();
        $.each(codes, function (_, code) { $('<li>').text(code).appendTo($list); });
        $('#recovery-codes').removeClass('d-none');
    }

    $('#enable-2fa').on('click', function () {
        ui.hideAlert($alert);
        forms.postJson('/api/account/2fa/authenticator', {}).done(function (setup) {
            $('#two-factor-qr').attr('src', setup.qrCode);
            $('#two-factor-key').text(setup.sharedKey);
            $enrol.removeClass('d-none').find('[name=code]').val('').trigger('focus');
        }).fail(function (xhr) {
            ui.showAlert($alert, ui.problemText(xhr, 'The authenticator could not be set up'), 'danger');
        });
    });

    $enrol.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($enrol);
        var code = ($enrol.find('[name=code]').val() || '').replace(/\s+/g, '');
        forms.postJson('/api/account/2fa/enable', { code: code }).done(function (result) {
            $enrol.addClass('d-none');
            showCodes(result.recoveryCodes);
            ui.showAlert($alert, 'Two-factor sign-in is on. Your other sessions were signed out.', 'success');
            load();
        }).fail(function (xhr) {
            forms.showProblem($enrol, xhr, 'That code did not work');
        });
    });

    function withPassword(url, done) {
        forms.clearErrors($manage);
        var password = $manage.find('[name=password]').val();
        if (!password) {
            forms.showFieldError($manage, 'password', 'Enter your password.');
            return;
        }
        forms.postJson(url, { password: password }).done(function (result) {
            $manage.find('[name=password]').val('');
            done(result);
            load();
        }).fail(function (xhr) {
            forms.showProblem($manage, xhr, 'That did not work');
        });
    }

    // Two buttons, two actions: Enter in the password field picks neither, and never submits the form to the page.
    $manage.on('submit', function (e) {
        e.preventDefault();
    });

    $('#new-recovery-codes').on('click', function () {
        withPassword('/api/account/2fa/recovery-codes', function (result) { showCodes(result.recoveryCodes); });
    });

    $('#disable-2fa').on('click', function () {
        withPassword('/api/account/2fa/disable', function () {
            $('#recovery-codes').addClass('d-none');
            ui.showAlert($alert, 'Two-factor sign-in is off.', 'success');
        });
    });

    load();
}(jQuery, window));
