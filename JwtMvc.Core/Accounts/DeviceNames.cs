namespace JwtMvc.Core.Accounts;

/// <summary>A short, human name for the device behind a user agent ("Firefox on Windows"), for the sessions list.</summary>
public static class DeviceNames
{
    private static readonly (string Token, string Name)[] Browsers =
    [
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("HeadlessChrome/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];

    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown device";
        }

        var browser = Find(Browsers, userAgent);
        var system = Find(Systems, userAgent);
        return (browser, system) switch
        {
            (not null, not null) => $"{browser} on {system}",
            (not null, null) => browser,
            (null, not null) => system,
            _ => "Other client",
        };
    }

    private static string? Find((string Token, string Name)[] table, string userAgent) =>
        table.FirstOrDefault(entry => userAgent.Contains(entry.Token, StringComparison.Ordinal)).Name;
}
