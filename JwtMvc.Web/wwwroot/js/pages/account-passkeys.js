/* My passkeys on /account: add one (POST /api/account/passkeys/options, then the created credential), list, rename, remove. */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var forms = window.jwtmvc.forms;
    var ui = window.jwtmvc.ui;
    var passkeys = window.jwtmvc.passkeys;
    var $section = $('#passkeys-section');
    if (!$section.length || !auth.requireSession()) {
        return;
    }

    var $alert = $section.find('[data-passkeys-alert]');
    var $list = $('#passkeys');
    var $add = $('#add-passkey-form');

    function send(method, url, body) {
        return $.ajax({
            url: url,
            method: method,
            contentType: 'application/json',
            dataType: method === 'DELETE' ? 'text' : 'json',
            data: body === undefined ? undefined : JSON.stringify(body)
        });
    }

    function when(value) {
        return value ? new Date(value).toLocaleString() : 'never';
    }

    function renderItem(passkey) {
        var $name = $('<span class="fw-semibold" data-passkey-name>').text(passkey.name);
        var $details = $('<div class="small text-muted">').text('Added ' + when(passkey.createdAt) + ', last used ' + when(passkey.lastUsedAt));
        var $rename = $('<button type="button" class="btn btn-sm btn-outline-secondary" data-rename>').text('Rename')
            .attr('aria-label', 'Rename passkey ' + passkey.name);
        var $remove = $('<button type="button" class="btn btn-sm btn-outline-danger ms-1" data-remove>').text('Remove')
            .attr('aria-label', 'Remove passkey ' + passkey.name);
        return $('<li class="list-group-item d-flex justify-content-between align-items-start">').attr('data-passkey-id', passkey.id)
            .append($('<div>').append($name, $details), $('<div class="text-nowrap">').append($rename, $remove));
    }

    function render(items) {
        $list.empty();
        $.each(items, function (_, passkey) { renderItem(passkey).appendTo($list); });
        $list.toggleClass('d-none', items.length === 0);
        $section.find('[data-passkeys-empty]').toggleClass('d-none', items.length > 0);
    }

    function load() {
        return $.getJSON('/api/account/passkeys').done(function (body) { render(body.items); }).fail(function (xhr) {
            ui.showAlert($alert, 'Your passkeys could not be loaded (' + xhr.status + ').', 'danger');
        });
    }

    if (!passkeys.supported()) {
        $add.find('button[type=submit]').prop('disabled', true);
        ui.showAlert($alert, 'This browser cannot create passkeys.', 'warning');
    }

    $add.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($add);
        ui.hideAlert($alert);
        var name = ($add.find('[name=name]').val() || '').trim();
        if (!name) {
            forms.showFieldError($add, 'name', 'Give the passkey a name, e.g. the device it is on.');
            return;
        }

        var $button = $add.find('button[type=submit]').prop('disabled', true);
        forms.postJson('/api/account/passkeys/options', {}).done(function (options) {
            passkeys.create(options).then(function (credential) {
                forms.postJson('/api/account/passkeys', { credential: credential, name: name }).done(function (passkey) {
                    ui.showAlert($alert, 'Passkey "' + passkey.name + '" added.', 'success');
                    load();
                }).fail(function (xhr) {
                    forms.showProblem($add, xhr, 'The passkey could not be added');
                }).always(function () {
                    $button.prop('disabled', false);
                });
            }, function (error) {
                forms.showAlert($add, passkeys.explain(error));
                $button.prop('disabled', false);
            });
        }).fail(function (xhr) {
            forms.showProblem($add, xhr, 'The passkey could not be set up');
            $button.prop('disabled', false);
        });
    });

    $list.on('click', '[data-remove]', function () {
        var $item = $(this).closest('[data-passkey-id]');
        send('DELETE', '/api/account/passkeys/' + encodeURIComponent($item.attr('data-passkey-id'))).done(function () {
            ui.showAlert($alert, 'Passkey removed.', 'success');
            load();
        }).fail(function (xhr) {
            ui.showAlert($alert, ui.problemText(xhr, 'The passkey could not be removed'), 'danger');
        });
    });

    $list.on('click', '[data-rename]', function () {
        var $item = $(this).closest('[data-passkey-id]');
        var id = $item.attr('data-passkey-id');
        var inputId = 'passkey-rename-' + id;
        var $form = $('<form class="d-flex gap-1 mt-1" data-rename-form novalidate>').append(
            $('<label class="visually-hidden">').attr('for', inputId).text('New name'),
            $('<input class="form-control form-control-sm" name="name" maxlength="64">').attr('id', inputId)
                .val($item.find('[data-passkey-name]').text()),
            $('<button type="submit" class="btn btn-sm btn-primary">').text('Save'));
        $item.find('[data-rename-form]').remove();
        $item.children('div').first().append($form);
        $form.find('input').trigger('focus');
        $form.on('submit', function (e) {
            e.preventDefault();
            send('PUT', '/api/account/passkeys/' + encodeURIComponent(id), { name: $form.find('input').val() }).done(function () {
                ui.showAlert($alert, 'Passkey renamed.', 'success');
                load();
            }).fail(function (xhr) {
                ui.showAlert($alert, ui.problemText(xhr, 'The passkey could not be renamed'), 'danger');
            });
        });
    });

    load();
}(jQuery, window));
