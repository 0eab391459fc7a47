/*
 * The orders page: the signed-in user's orders from GET /api/orders (paged, sorted), an order's lines on
 * demand from GET /api/orders/{id}, a form that places an order from GET /api/products, and cancelling
 * through POST /api/orders/{id}/cancel. Every value from the server goes into the page with .text().
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var ui = window.jwtmvc.ui;
    var forms = window.jwtmvc.forms;
    if (!auth.requireSession()) {
        return;
    }

    var state = { page: 1, pageSize: 10, sort: '-createdAt', totalCount: 0 };
    var products = [];

    var $form = $('#order-form');
    var $lines = $('#order-lines');
    var $rows = $('#orders-rows');

    // ---- formatting -----------------------------------------------------------------------------

    function money(amount, currency) {
        try {
            return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(amount);
        } catch (e) {
            return amount + ' ' + currency;
        }
    }

    function showStatus(message, kind) {
        ui.showAlert('#orders-status', message, kind);
    }

    // ---- the list ---------------------------------------------------------------------------------

    function statusBadge(status) {
        var kinds = { Pending: 'text-bg-warning', Shipped: 'text-bg-info', Delivered: 'text-bg-success', Cancelled: 'text-bg-secondary' };
        return $('<span class="badge order-status">').addClass(kinds[status] || 'text-bg-light').text(status);
    }

    function orderRow(order) {
        var $row = $('<tr class="order-row">').attr('data-order-id', order.id).attr('data-order-status', order.status);
        var $actions = $('<td class="text-end text-nowrap">');
        $actions.append($('<button type="button" class="btn btn-link btn-sm order-details" aria-expanded="false">').text('Lines'));
        if (order.status === 'Pending') {
            $actions.append($('<button type="button" class="btn btn-outline-danger btn-sm order-cancel">').text('Cancel'));
        }
        return $row.append(
            $('<td>').append($('<time>').attr('datetime', order.createdAt).text(ui.formatTime(order.createdAt))),
            $('<td>').append(statusBadge(order.status)),
            $('<td class="text-end">').text(order.lineCount),
            $('<td class="text-end order-total">').text(money(order.total, order.currency)),
            $actions);
    }

    var pager = ui.pager(state, {
        previous: '#orders-prev',
        next: '#orders-next',
        info: '#orders-page-info',
        noun: ['order', 'orders'],
        load: load
    });

    function render(result) {
        state.totalCount = result.totalCount;
        var pages = ui.pageCount(result.totalCount, state.pageSize);
        if (result.items.length === 0 && result.totalCount > 0 && state.page > pages) {
            // The last page emptied (an order moved away): show the one that now is last.
            state.page = pages;
            load();
            return;
        }

        $rows.empty();
        $.each(result.items, function (_, order) {
            $rows.append(orderRow(order));
        });
        $('#orders-table').toggleClass('d-none', result.items.length === 0);
        $('#orders-empty').toggleClass('d-none', result.totalCount !== 0);
        $('#orders-pager').toggleClass('d-none', result.totalCount === 0);
        pager.render(result.totalCount);
    }

    function load() {
        $('#orders-loading').removeClass('d-none');
        ui.hideAlert('#orders-error');
        return $.ajax({
            url: '/api/orders',
            dataType: 'json',
            data: { page: state.page, pageSize: state.pageSize, sort: state.sort }
        }).done(render).fail(function (xhr) {
            $('#orders-table, #orders-pager, #orders-empty').addClass('d-none');
            ui.showAlert('#orders-error', ui.problemText(xhr, 'Your orders could not be loaded'));
        }).always(function () {
            $('#orders-loading').addClass('d-none');
        });
    }

    $('#orders-sort').on('change', function () {
        state.sort = $(this).val();
        state.page = 1;
        load();
    });

    $('#orders-page-size').on('change', function () {
        state.pageSize = parseInt($(this).val(), 10);
        state.page = 1;
        load();
    });

    // ---- an order's lines, on demand ----------------------------------------------------------------

    function linesTable(order) {
        var $table = $('<table class="table table-sm mb-0 order-lines">').append(
            $('<thead>').append($('<tr>').append(
                $('<th scope="col">').text('Product'),
                $('<th scope="col" class="text-end">').text('Unit price'),
                $('<th scope="col" class="text-end">').text('Quantity'),
                $('<th scope="col" class="text-end">').text('Line total'))));
        var $body = $('<tbody>').appendTo($table);
        $.each(order.lines, function (_, line) {
            $body.append($('<tr class="order-line">').append(
                $('<td class="order-line-product">').text(line.productName),
                $('<td class="text-end">').text(money(line.unitPrice, order.currency)),
                $('<td class="text-end order-line-quantity">').text(line.quantity),
                $('<td class="text-end">').text(money(line.lineTotal, order.currency))));
        });
        return $table;
    }

    $rows.on('click', '.order-details', function () {
        var $button = $(this);
        var $row = $button.closest('tr');
        var $next = $row.next('.order-lines-row');
        if ($next.length) {
            $next.remove();
            $button.attr('aria-expanded', 'false');
            return;
        }

        var $cell = $('<td colspan="5">').text('Loading the lines\u2026');
        $row.after($('<tr class="order-lines-row">').append($cell));
        $button.attr('aria-expanded', 'true');
        $.ajax({ url: '/api/orders/' + encodeURIComponent($row.attr('data-order-id')), dataType: 'json' })
            .done(function (order) {
                $cell.empty().append(linesTable(order));
            })
            .fail(function (xhr) {
                $cell.empty().append($('<span class="text-danger">').text(ui.problemText(xhr, 'The lines could not be loaded')));
            });
    });

    // ---- cancelling -------------------------------------------------------------------------------------

    $rows.on('click', '.order-cancel', function () {
        var $button = $(this).prop('disabled', true);
        var id = $button.closest('tr').attr('data-order-id');
        $.ajax({ url: '/api/orders/' + encodeURIComponent(id) + '/cancel', method: 'POST', dataType: 'json' })
            .done(function (order) {
                showStatus('The order of ' + ui.formatTime(order.createdAt) + ' was cancelled.', 'success');
                load();
            })
            .fail(function (xhr) {
                showStatus(ui.problemText(xhr, 'The order could not be cancelled'), xhr.status === 409 ? 'warning' : 'danger');
                load();
            });
    });

    // ---- placing an order ----------------------------------------------------------------------------

    function renumberLines() {
        $lines.children('tr').each(function (index) {
            $(this).find('[data-field]').each(function () {
                var name = 'items[' + index + '].' + $(this).attr('data-field');
                var id = 'order-line-' + index + '-' + $(this).attr('data-field');
                $(this).attr({ name: name, id: id });
                $(this).siblings('[data-error-for]').attr('data-error-for', name);
            });
            $(this).find('.order-line-remove').prop('disabled', $lines.children('tr').length === 1);
        });
    }

    function productSelect() {
        var $select = $('<select class="form-select form-select-sm" data-field="productId" aria-label="Product">');
        $.each(products, function (_, product) {
            $select.append($('<option>').val(product.id).text(product.name + ' \u2014 ' + money(product.price, product.currency)));
        });
        return $select;
    }

    function addLine() {
        var $row = $('<tr class="order-form-line">').append(
            $('<td>').append(productSelect(), $('<div class="invalid-feedback">').attr('data-error-for', '')),
            $('<td>').append(
                $('<input type="number" class="form-control form-control-sm" data-field="quantity" aria-label="Quantity" min="1" max="100" step="1" required>').val(1),
                $('<div class="invalid-feedback">').attr('data-error-for', '')),
            $('<td class="text-end">').append($('<button type="button" class="btn btn-link btn-sm text-danger order-line-remove">').text('Remove')));
        $lines.append($row);
        renumberLines();
        return $row;
    }

    $('#order-add-line').on('click', function () {
        addLine().find('select').trigger('focus');
    });

    $lines.on('click', '.order-line-remove', function () {
        $(this).closest('tr').remove();
        renumberLines();
    });

    function resetForm() {
        $lines.empty();
        addLine();
    }

    $form.on('submit', function (e) {
        e.preventDefault();
        forms.clearErrors($form);
        var items = $lines.children('tr').map(function () {
            return {
                productId: $(this).find('[data-field=productId]').val(),
                quantity: parseInt($(this).find('[data-field=quantity]').val(), 10) || 0
            };
        }).get();

        forms.setBusy($form, true);
        forms.postJson('/api/orders', { items: items }).done(function (order) {
            resetForm();
            showStatus('Order placed: ' + money(order.total, order.currency) + '.', 'success');
            state.page = 1;
            if (state.sort !== '-createdAt') {
                // Show the new order where it is: at the top of the newest-first list.
                state.sort = '-createdAt';
                $('#orders-sort').val(state.sort);
            }
            load();
        }).fail(function (xhr) {
            forms.showProblem($form, xhr, 'The order could not be placed');
        }).always(function () {
            forms.setBusy($form, false);
        });
    });

    $.ajax({ url: '/api/products', dataType: 'json' }).done(function (catalogue) {
        products = catalogue;
        if (products.length === 0) {
            forms.showAlert($form, 'The catalogue is empty: there is nothing to order yet.', 'warning');
            return;
        }
        resetForm();
        $form.find('button[type=submit]').prop('disabled', false);
    }).fail(function (xhr) {
        forms.showAlert($form, ui.problemText(xhr, 'The catalogue could not be loaded'));
    });

    load();
}(jQuery, window));
