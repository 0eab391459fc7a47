namespace JwtMvc.Tests.Browser.Support;

/// <summary>
/// Finds the Chromium the browser tests drive. Playwright's own browser download cannot work on
/// machines without general internet access, so the tests use the distribution's Chromium.
/// </summary>
internal static class ChromiumLocator
{
    public const string PathVariable = "JWTMVC_CHROMIUM";
    public const string RequireVariable = "JWTMVC_REQUIRE_BROWSER";
    public const string DefaultPath = "/usr/bin/chromium";

    public static readonly string[] LaunchArguments =
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Shared memory goes to /tmp: a container's small /dev/shm makes tabs crash or hang, so tests wait forever.
        "--disable-dev-shm-usage",
    ];

    public static bool BrowserRequired =>
        Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true" or "TRUE" or "True";

    /// <summary>The executable to launch, or null with a message that says how to get one.</summary>
    public static string? Find(out string missingMessage)
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        var path = string.IsNullOrWhiteSpace(configured) ? DefaultPath : configured;
        if (File.Exists(path))
        {
            missingMessage = "";
            return path;
        }

        var source = string.IsNullOrWhiteSpace(configured) ? "the default path" : $"{PathVariable}";
        missingMessage =
            $"Browser tests need Chromium, which was not found at {path} ({source}). " +
            $"Install it with `apt-get install -y chromium`, or set {PathVariable} to a Chromium executable. " +
            $"Set {RequireVariable}=1 to make a missing browser fail the run instead of skipping these tests.";
        return null;
    }
}
