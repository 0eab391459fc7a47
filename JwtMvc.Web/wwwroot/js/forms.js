/*
 * Form helpers shared by the account pages: a busy state while a request runs, and server answers
 * shown where they belong (validation problem details: errors keyed by field, camelCase, next to the
 * field; anything else in the form's alert). Text only ever goes in with .text().
 */
(function ($, window) {
    'use strict';

    var ui = window.jwtmvc.ui;

    function alertOf($form) {
        return $form.find('[data-form-alert]');
    }

    function clearErrors($form) {
        $form.find('.is-invalid').removeClass('is-invalid').removeAttr('aria-invalid');
        $form.find('[data-error-for]').text('');
        ui.hideAlert(alertOf($form));
    }

    function showAlert($form, message, kind) {
        ui.showAlert(alertOf($form), message, kind);
    }

    /** Marks a field invalid with a message; false when the form has no field of that name. */
    function showFieldError($form, name, message) {
        var wanted = String(name || '').toLowerCase();
        var $input = $form.find('[name]').filter(function () { return this.name.toLowerCase() === wanted; });
        if (!wanted || !$input.length) {
            return false;
        }
        $input.addClass('is-invalid').attr('aria-invalid', 'true');
        $form.find('[data-error-for]').filter(function () {
            return $(this).attr('data-error-for').toLowerCase() === wanted;
        }).text(message);
        return true;
    }

    /**
     * Shows a failed request's problem details on the form: validation errors next to their fields,
     * anything else in the form's alert (see ui.problemText for fallback).
     */
    function showProblem($form, xhr, fallback) {
        var problem = ui.problemOf(xhr);
        if (problem && problem.errors && typeof problem.errors === 'object') {
            var elsewhere = [];
            $.each(problem.errors, function (key, messages) {
                var text = [].concat(messages).join(' ');
                if (!showFieldError($form, key, text)) {
                    elsewhere.push(text);
                }
            });
            if (elsewhere.length) {
                showAlert($form, elsewhere.join(' '));
            }
            $form.find('.is-invalid').first().trigger('focus');
            return;
        }
        showAlert($form, ui.problemText(xhr, fallback));
    }

    /** Disables the submit button and shows its spinner and busy label while a request runs. */
    function setBusy($form, busy) {
        var $button = $form.find('button[type=submit]');
        var $label = $button.find('[data-busy-label]');
        if (busy && !$label.attr('data-idle-label')) {
            $label.attr('data-idle-label', $label.text());
        }
        $label.text(busy ? $label.attr('data-busy-label') : ($label.attr('data-idle-label') || $label.text()));
        $button.prop('disabled', busy).attr('aria-busy', busy ? 'true' : 'false');
        $button.find('.spinner-border').toggleClass('d-none', !busy);
        $form.attr('aria-busy', busy ? 'true' : 'false');
    }

    /** The form's values as an object, for the named fields only. */
    function values($form, names) {
        var result = {};
        $.each(names, function (_, name) {
            result[name] = $form.find('[name="' + name + '"]').val();
        });
        return result;
    }

    function postJson(url, body) {
        return $.ajax({
            url: url,
            method: 'POST',
            contentType: 'application/json',
            dataType: 'json',
            data: JSON.stringify(body)
        });
    }

    window.jwtmvc = window.jwtmvc || {};
    window.jwtmvc.forms = {
        clearErrors: clearErrors,
        showAlert: showAlert,
        showFieldError: showFieldError,
        showProblem: showProblem,
        setBusy: setBusy,
        values: values,
        postJson: postJson
    };
}(jQuery, window));
