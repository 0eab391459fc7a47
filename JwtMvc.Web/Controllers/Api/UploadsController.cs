using System.Diagnostics;
using JwtMvc.Core.Uploads;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Uploads;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers.Api;

[ApiController]
[Route("api/uploads")]
[Authorize]
public sealed class UploadsController(UploadService uploads) : ControllerBase
{
    [HttpGet]
    public async Task<UploadedFilesResponse> List(CancellationToken cancellationToken) =>
        UploadedFilesResponse.From(await uploads.ListAsync(User.GetUserId(), cancellationToken));

    /// <summary>Streams multipart/form-data (field <c>files</c>, one or more) to storage; all files are kept or none.</summary>
    [HttpPost]
    [DisableFormValueModelBinding]
    [UploadRequestSizeLimit]
    [FileUploadBody(MultipartFiles.FieldName)]
    [ProducesResponseType<UploadedFilesResponse>(StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<IActionResult> Upload(CancellationToken cancellationToken)
    {
        if (MultipartFiles.BoundaryOf(Request) is not { } boundary)
        {
            return Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a file upload",
                detail: $"Send multipart/form-data with one or more files in parts named '{MultipartFiles.FieldName}'.");
        }

        var result = await uploads.UploadAsync(User.GetUserId(), MultipartFiles.ReadAsync(Request, boundary, cancellationToken), cancellationToken);
        return result switch
        {
            UploadResult.Uploaded u => StatusCode(StatusCodes.Status201Created, UploadedFilesResponse.From(u.Files)),
            UploadResult.NoFiles => Refused(StatusCodes.Status400BadRequest, "No file", $"The request has no part named '{MultipartFiles.FieldName}'."),
            UploadResult.TooManyFiles t => Refused(StatusCodes.Status400BadRequest, "Too many files", $"Send at most {t.Limit} files at a time."),
            UploadResult.EmptyFile e => Refused(StatusCodes.Status400BadRequest, "Empty file", $"'{e.FileName}' is empty."),
            UploadResult.TooLarge l => Refused(StatusCodes.Status413PayloadTooLarge, "File too large", $"'{l.FileName}' is larger than the limit of {Bytes(l.Limit)}."),
            UploadResult.QuotaExceeded q => Refused(StatusCodes.Status413PayloadTooLarge, "Storage quota reached",
                $"With '{q.FileName}' your files would pass your quota of {Bytes(q.Quota.MaxBytes)} and {q.Quota.MaxFiles:N0} files. Delete some to make room."),
            UploadResult.UnsupportedType t => Refused(StatusCodes.Status415UnsupportedMediaType, "File type not accepted", t.Reason),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>The file's bytes as a download, typed as what its leading bytes are (an allowed type).</summary>
    [HttpGet("{id:guid}/content")]
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, "application/octet-stream")]
    public async Task<IActionResult> Download(Guid id, CancellationToken cancellationToken)
    {
        if (await uploads.OpenAsync(User.GetUserId(), id, cancellationToken) is not DownloadResult.Found found)
        {
            return NotFound();
        }

        // Never rendered by the browser: a download, of the type its bytes are, in a sandbox if opened anyway.
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        Response.Headers.CacheControl = "private, no-store";
        return File(found.Content, found.File.ContentType, found.File.FileName); // Content-Disposition: attachment; filename=...; filename*=UTF-8''...
    }

    [HttpDelete("{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> Delete(Guid id, CancellationToken cancellationToken) =>
        await uploads.DeleteAsync(User.GetUserId(), id, cancellationToken) ? NoContent() : NotFound();

    private ObjectResult Refused(int status, string title, string detail) => Problem(statusCode: status, title: title, detail: detail);

    private static string Bytes(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes:N0} bytes";
}
