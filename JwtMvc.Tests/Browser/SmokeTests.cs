namespace JwtMvc.Tests.Browser;

public sealed class SmokeTests : BrowserTest
{
    [Test]
    public async Task Chromium_renders_the_home_page()
    {
        var response = await Page.GotoAsync("/");
        Assert.That(response?.Status, Is.EqualTo(200), "home page should load");
    }
}
