using JwtMvc.Core.Accounts;

namespace JwtMvc.Tests.Unit.Accounts;

public sealed class DeviceNamesTests
{
    [TestCase("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [TestCase("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36", "Chrome on Linux")]
    [TestCase("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on macOS")]
    [TestCase("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [TestCase("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [TestCase("curl/8.5.0", "curl")]
    [TestCase("SomeBot/1.0", "Other client")]
    [TestCase("", "Unknown device")]
    [TestCase(null, "Unknown device")]
    public void A_user_agent_becomes_browser_on_system(string? userAgent, string expected) =>
        Assert.That(DeviceNames.Describe(userAgent), Is.EqualTo(expected));
}
