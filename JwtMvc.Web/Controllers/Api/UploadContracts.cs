using JwtMvc.Core.Uploads;

namespace JwtMvc.Web.Controllers.Api;

public sealed record UploadedFileDto(Guid Id, string FileName, long Size, string ContentType, string Sha256, DateTimeOffset UploadedAt)
{
    public static UploadedFileDto From(StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new(file.Id, file.FileName, file.Size, file.ContentType, file.Sha256, file.UploadedAt);
    }
}

public sealed record UploadedFilesResponse(IReadOnlyList<UploadedFileDto> Items)
{
    public static UploadedFilesResponse From(IEnumerable<StoredFile> files) => new(files.Select(UploadedFileDto.From).ToList());
}
