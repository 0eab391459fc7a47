using JwtMvc.Core.Uploads;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Uploads;

/// <summary>Refuses to start with <c>Uploads:Root</c> inside wwwroot, where static files would serve uploads as they are.</summary>
internal sealed class UploadRootValidator(IWebHostEnvironment environment) : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Root) || string.IsNullOrEmpty(environment.WebRootPath))
        {
            return ValidateOptionsResult.Skip;
        }

        var root = WithSeparator(options.ResolveRoot(environment.ContentRootPath));
        var webRoot = WithSeparator(Path.GetFullPath(environment.WebRootPath));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return root.StartsWith(webRoot, comparison) || webRoot.StartsWith(root, comparison)
            ? ValidateOptionsResult.Fail($"Uploads:Root ('{options.Root}') must be outside wwwroot ('{environment.WebRootPath}'), or uploads would be served as static files.")
            : ValidateOptionsResult.Success;
    }

    private static string WithSeparator(string path) =>
        Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar;
}
