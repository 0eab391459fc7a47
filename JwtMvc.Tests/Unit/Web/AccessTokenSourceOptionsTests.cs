using JwtMvc.Web;
using JwtMvc.Web.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Unit.Web;

/// <summary>Where a token may come from is Web's setting, read from the keys the README documents.</summary>
public sealed class AccessTokenSourceOptionsTests
{
    [Test]
    public void Form_and_query_tokens_are_off_by_default()
    {
        var options = Resolve([]);

        Assert.That((options.AllowFormToken, options.AllowQueryToken), Is.EqualTo((false, false)), "form and query tokens leak into logs; off unless configured");
    }

    [Test]
    public void Jwt_AllowFormToken_and_Jwt_AllowQueryToken_turn_them_on()
    {
        var options = Resolve(new() { ["Jwt:AllowFormToken"] = "true", ["Jwt:AllowQueryToken"] = "true" });

        Assert.That((options.AllowFormToken, options.AllowQueryToken), Is.EqualTo((true, true)), "the documented keys bind");
    }

    private static AccessTokenSourceOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddJwtMvcWeb(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AccessTokenSourceOptions>>().Value;
    }
}
