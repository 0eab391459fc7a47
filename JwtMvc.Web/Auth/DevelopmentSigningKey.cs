using System.Security.Cryptography;
using JwtMvc.Core.Auth;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth;

/// <summary>
/// In Development only, when no <c>Jwt:SigningKey</c> is configured, generates a random key once and
/// keeps it in App_Data (git-ignored) so tokens survive restarts. Anywhere else a missing key fails the start.
/// </summary>
internal sealed partial class DevelopmentSigningKey(IHostEnvironment environment, ILogger<DevelopmentSigningKey> logger)
    : IPostConfigureOptions<JwtOptions>
{
    internal const string FileName = "jwt-signing-key.txt";

    private int warned;

    public void PostConfigure(string? name, JwtOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey) || !environment.IsDevelopment())
        {
            return;
        }

        var path = Path.Combine(environment.ContentRootPath, "App_Data", FileName);
        options.SigningKey = ReadOrCreate(path);
        if (Interlocked.Exchange(ref warned, 1) == 0)
        {
            Log.UsingDevelopmentKey(logger, path); // once, though every options cache (monitor, snapshot) configures its own copy
        }
    }

    private static string ReadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(JwtOptions.MinimumKeyBytes));
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, key);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first: use theirs, so both sign with the same key.
            File.Delete(temporary);
            return File.ReadAllText(path).Trim();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Jwt:SigningKey is not configured; using the development key kept in {Path}. Configure a key before running anywhere else.")]
        public static partial void UsingDevelopmentKey(ILogger logger, string path);
    }
}
