/*
 * The upload page: files chosen or dropped are sent one request each to POST /api/uploads (multipart,
 * field "files") with a progress bar per file fed by the XHR's upload.onprogress; refusals show the
 * server's problem detail. The list comes from GET /api/uploads. A download is fetched with the access
 * token as a blob and saved through an object URL (a plain link would carry no token); delete is
 * DELETE /api/uploads/{id}. Every value from the server or the user goes into the page with .text().
 */
(function ($, window) {
    'use strict';

    var auth = window.jwtmvc.auth;
    var ui = window.jwtmvc.ui;
    if (!auth.requireSession()) {
        return;
    }

    var document = window.document;
    var $page = $('#upload-page');
    var $queue = $('#upload-queue');
    var $rows = $('#files-rows');
    var maxFileBytes = Number($page.attr('data-max-file-bytes')) || Infinity;
    var maxFileSize = $page.attr('data-max-file-size');
    // Object URLs of saved downloads are released after this long (the browser has the file by then).
    var REVOKE_AFTER_MS = 60000;

    // ---- formatting -----------------------------------------------------------------------------

    function size(bytes) {
        if (bytes < 1024) {
            return bytes + ' B';
        }
        var units = ['KiB', 'MiB', 'GiB', 'TiB'];
        var value = bytes;
        var unit = -1;
        do {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.length - 1);
        return value.toFixed(value < 10 ? 1 : 0) + ' ' + units[unit];
    }

    function showStatus(message, kind) {
        ui.showAlert('#files-status', message, kind);
    }

    // ---- uploading --------------------------------------------------------------------------------

    function queueItem(file) {
        var $bar = $('<div class="progress-bar">');
        var $progress = $('<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100">')
            .attr('aria-label', 'Uploading ' + file.name)
            .append($bar);
        var $item = $('<li class="list-group-item upload-item px-0" data-state="waiting">')
            .attr('data-file-name', file.name)
            .append(
                $('<div class="d-flex justify-content-between gap-2 mb-1">').append(
                    $('<span class="upload-name text-break">').text(file.name),
                    $('<span class="upload-size text-muted small text-nowrap">').text(size(file.size))),
                $progress,
                $('<div class="upload-message small mt-1">'));
        setProgress($item, 0);
        $queue.prepend($item);
        return $item;
    }

    function setProgress($item, percent) {
        var value = Math.max(0, Math.min(100, Math.floor(percent)));
        $item.find('.progress').attr('aria-valuenow', value);
        $item.find('.progress-bar').css('width', value + '%').text(value + '%');
    }

    function finish($item, ok, message) {
        $item.attr('data-state', ok ? 'done' : 'refused');
        $item.find('.progress-bar').toggleClass('bg-success', ok).toggleClass('bg-danger', !ok);
        $item.find('.upload-message').toggleClass('text-success', ok).toggleClass('text-danger', !ok).text(message);
    }

    /** Sends one file; resolves (never rejects) when its request is over. */
    function upload(file, $item) {
        var data = new window.FormData();
        data.append('files', file, file.name);
        $item.attr('data-state', 'uploading');
        return new Promise(function (resolve) {
            $.ajax({
                url: '/api/uploads',
                method: 'POST',
                data: data,
                processData: false,
                contentType: false,
                dataType: 'json',
                xhr: function () {
                    var xhr = $.ajaxSettings.xhr();
                    if (xhr.upload) {
                        xhr.upload.onprogress = function (e) {
                            if (e.lengthComputable && e.total > 0) {
                                setProgress($item, (e.loaded / e.total) * 100);
                            }
                        };
                    }
                    return xhr;
                }
            }).done(function (response) {
                setProgress($item, 100);
                var stored = response.items && response.items[0];
                finish($item, true, stored && stored.fileName !== file.name
                    ? 'Uploaded as \u201c' + stored.fileName + '\u201d.'
                    : 'Uploaded.');
                loadFiles();
            }).fail(function (xhr) {
                finish($item, false, ui.problemText(xhr, 'The upload failed'));
            }).always(function () {
                resolve();
            });
        });
    }

    var uploads = Promise.resolve();

    function addFiles(files) {
        $.each(files, function (_, file) {
            var $item = queueItem(file);
            // The server checks again; this only spares sending what it would refuse.
            if (file.size === 0) {
                finish($item, false, '\u201c' + file.name + '\u201d is empty.');
                return;
            }
            if (file.size > maxFileBytes) {
                finish($item, false, '\u201c' + file.name + '\u201d is larger than the limit of ' + maxFileSize + '.');
                return;
            }
            uploads = uploads.then(function () { return upload(file, $item); });
        });
    }

    $('#upload-input').on('change', function () {
        addFiles(this.files);
        this.value = ''; // the same file can be chosen again
    });

    var $drop = $('#upload-drop');
    $drop.on('dragenter dragover', function (e) {
        e.preventDefault();
        e.originalEvent.dataTransfer.dropEffect = 'copy';
        $drop.addClass('upload-drop-active');
    }).on('dragleave dragend', function () {
        $drop.removeClass('upload-drop-active');
    }).on('drop', function (e) {
        e.preventDefault();
        $drop.removeClass('upload-drop-active');
        addFiles(e.originalEvent.dataTransfer.files);
    });
    // A file dropped beside the zone must not replace the page with the file.
    $(document).on('dragover drop', function (e) {
        if (!$(e.target).closest('#upload-drop').length) {
            e.preventDefault();
        }
    });

    // ---- the list ---------------------------------------------------------------------------------

    function fileRow(file) {
        return $('<tr class="file-row">')
            .attr('data-file-id', file.id)
            .attr('data-file-name', file.fileName)
            .append(
                $('<td class="file-name text-break">').text(file.fileName),
                $('<td class="text-end text-nowrap file-size">').text(size(file.size)),
                $('<td class="file-type">').text(file.contentType),
                $('<td class="text-nowrap">').append($('<time>').attr('datetime', file.uploadedAt).text(ui.formatTime(file.uploadedAt))),
                $('<td class="font-monospace small">').attr('title', file.sha256).text(file.sha256.slice(0, 12) + '\u2026'),
                $('<td class="text-end text-nowrap">').append(
                    $('<button type="button" class="btn btn-outline-primary btn-sm file-download">').text('Download'),
                    ' ',
                    $('<button type="button" class="btn btn-outline-danger btn-sm file-delete">').text('Delete')));
    }

    function showEmptyState() {
        var empty = $rows.children().length === 0;
        $('#files-empty').toggleClass('d-none', !empty);
        $('#files-table').toggleClass('d-none', empty);
    }

    function loadFiles() {
        return $.ajax({ url: '/api/uploads', dataType: 'json' }).done(function (result) {
            $rows.empty().append($.map(result.items, fileRow));
            $('#files-loading').addClass('d-none');
            showEmptyState();
        }).fail(function (xhr) {
            $('#files-loading').addClass('d-none');
            showStatus(ui.problemText(xhr, 'Your files could not be loaded'), 'danger');
        });
    }

    function save(blob, fileName) {
        var url = window.URL.createObjectURL(blob);
        var link = document.createElement('a');
        link.href = url;
        link.download = fileName;
        link.rel = 'noopener';
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { window.URL.revokeObjectURL(url); }, REVOKE_AFTER_MS);
    }

    $rows.on('click', '.file-download', function () {
        var $button = $(this).prop('disabled', true);
        var $row = $button.closest('.file-row');
        var fileName = $row.attr('data-file-name');
        // With the token, through auth.js: as a blob, not a link the browser would follow without it.
        $.ajax({
            url: '/api/uploads/' + encodeURIComponent($row.attr('data-file-id')) + '/content',
            method: 'GET',
            xhrFields: { responseType: 'blob' }
        }).done(function (blob) {
            save(blob, fileName);
        }).fail(function (xhr) {
            showStatus(xhr.status === 404
                ? '\u201c' + fileName + '\u201d is no longer there.'
                : ui.problemText(xhr, 'The download of \u201c' + fileName + '\u201d failed'), 'danger');
        }).always(function () {
            $button.prop('disabled', false);
        });
    });

    $rows.on('click', '.file-delete', function () {
        var $button = $(this).prop('disabled', true);
        var $row = $button.closest('.file-row');
        var fileName = $row.attr('data-file-name');
        $.ajax({
            url: '/api/uploads/' + encodeURIComponent($row.attr('data-file-id')),
            method: 'DELETE'
        }).done(function () {
            $row.remove();
            showEmptyState();
            showStatus('\u201c' + fileName + '\u201d was deleted.', 'success');
        }).fail(function (xhr) {
            $button.prop('disabled', false);
            if (xhr.status === 404) {
                $row.remove();
                showEmptyState();
            }
            showStatus(ui.problemText(xhr, 'The file could not be deleted'), 'danger');
        });
    });

    loadFiles();
}(jQuery, window));
