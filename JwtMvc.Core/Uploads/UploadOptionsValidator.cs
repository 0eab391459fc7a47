using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Uploads;

/// <summary>Checks what data annotations cannot: every allowed type is one JwtMvc can recognise.</summary>
internal sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var unknown = options.AllowedTypes.Where(t => FileSignatures.FindByName(t) is null).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Uploads:AllowedTypes has unknown type(s) {string.Join(", ", unknown.Select(t => $"'{t}'"))}; "
                + $"use {string.Join(", ", FileSignatures.Known.Select(t => t.Name))}.");
    }
}
