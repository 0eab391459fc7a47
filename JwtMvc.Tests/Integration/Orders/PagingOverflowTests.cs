using System.Net;
using System.Text.Json.Nodes;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Orders;

/// <summary>A page number whose offset does not fit an int is a page past the end, never page 1 again.</summary>
public sealed class PagingOverflowTests : AppFixture
{
    // (21474838 - 1) * 100 = 2147483700 > int.MaxValue: in int arithmetic it wraps to a negative offset.
    private const string FarPage = "page=21474838&pageSize=100";

    [TestCase("alice", "/api/orders")]
    [TestCase("admin", "/api/admin/orders")]
    [TestCase("admin", "/api/admin/users")]
    public async Task A_page_whose_offset_overflows_an_int_is_200_with_no_items(string userName, string path)
    {
        var client = await Factory.LoginAsync(userName);
        var firstPage = JsonNode.Parse(await (await client.GetAsync(path)).Content.ReadAsStringAsync())!;
        Assert.That(firstPage["items"]!.AsArray(), Is.Not.Empty, "the list has items on page 1, so an overflow to page 1 would show");

        var response = await client.GetAsync($"{path}?{FarPage}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(body["items"]!.AsArray(), Is.Empty, "a page past the end is empty");
        Assert.That(body["totalCount"]!.GetValue<int>(), Is.EqualTo(firstPage["totalCount"]!.GetValue<int>()), "the total still counts the whole list");
    }
}
