using System.Text.Json;
using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>The orders page: the user's own orders, placing, lines on demand, cancelling, sorting and paging.</summary>
[Category("Browser")]
public sealed class OrdersPageTests : BrowserTest
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task Alice_sees_her_orders_places_one_sees_it_in_the_list_and_cancels_it()
    {
        // Alice's seeded orders, and none of bob's.
        await SignInAsync(Page, "alice", "Alice#12345", "/orders");
        await Page.Locator(".order-row").First.WaitForAsync();
        var shownIds = await RowIdsAsync();
        Assert.That(shownIds, Does.Contain(OrderApi.AlicesShippedOrder.ToString()), "alice's seeded orders are listed");
        Assert.That(shownIds, Has.No.Member(OrderApi.BobsPendingOrder.ToString()), "bob's orders never appear on alice's page");

        // Place an order from the catalogue.
        await Page.Locator("#order-lines select").First.SelectOptionAsync(new SelectOptionValue { Label = await LabelOfAsync("Desk lamp") });
        await Page.Locator("#order-lines input[type=number]").First.FillAsync("2");
        var placing = await Page.RunAndWaitForResponseAsync(
            () => Page.ClickAsync("#order-form button[type=submit]"),
            r => r.Url.EndsWith("/api/orders", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.That(placing.Status, Is.EqualTo(201), "the form posts a valid order");
        var placed = JsonSerializer.Deserialize<OrderBody>(await placing.TextAsync(), s_json)!;

        // It appears in the list, newest first, pending, with its lines on demand.
        var row = Page.Locator($"tr.order-row[data-order-id='{placed.Id}']");
        await row.WaitForAsync();
        Assert.That(await Page.Locator(".order-row").First.GetAttributeAsync("data-order-id"), Is.EqualTo(placed.Id.ToString()), "the new order is at the top");
        Assert.That(await row.GetAttributeAsync("data-order-status"), Is.EqualTo("Pending"));
        await row.Locator(".order-details").ClickAsync();
        var line = Page.Locator(".order-lines-row .order-line").First;
        await line.WaitForAsync();
        Assert.That(await line.Locator(".order-line-product").TextContentAsync(), Is.EqualTo("Desk lamp"));
        Assert.That(await line.Locator(".order-line-quantity").TextContentAsync(), Is.EqualTo("2"));
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("orders"), FullPage = true });

        // Cancel it.
        await row.Locator(".order-cancel").ClickAsync();
        var cancelled = Page.Locator($"tr.order-row[data-order-id='{placed.Id}'][data-order-status='Cancelled']");
        await cancelled.WaitForAsync();
        Assert.That(await cancelled.Locator(".order-cancel").CountAsync(), Is.Zero, "a cancelled order offers no cancel button");
        Assert.That(await Page.Locator("#orders-status").TextContentAsync(), Does.Contain("cancelled"));
    }

    [Test]
    public async Task A_new_user_sees_the_empty_state_and_a_refused_order_shows_its_errors_by_the_line()
    {
        var (userName, password) = await Server.RegisterUserAsync("orderless");
        await SignInAsync(Page, userName, password, "/orders");

        await Page.Locator("#orders-empty:not(.d-none)").WaitForAsync();
        await Page.Locator("#order-lines select").First.SelectOptionAsync(new SelectOptionValue { Label = await LabelOfAsync("Ceramic mug") });
        await Page.Locator("#order-lines input[type=number]").First.FillAsync("101");
        await Page.ClickAsync("#order-add-line");
        await Page.Locator("#order-lines select").Nth(1).SelectOptionAsync(new SelectOptionValue { Label = await LabelOfAsync("Travel adapter") });
        await Page.ClickAsync("#order-form button[type=submit]");

        var quantityError = Page.Locator("[data-error-for='items[0].quantity']");
        await Page.Locator("#order-lines input.is-invalid").First.WaitForAsync();
        Assert.That(await quantityError.TextContentAsync(), Does.Contain("between 1 and 100"), "the quantity error is shown by its line");
        Assert.That(await Page.Locator("[data-error-for='items[1].productId']").TextContentAsync(), Does.Contain("one currency"), "so is the currency mix");
        Assert.That(await Page.Locator(".order-row").CountAsync(), Is.Zero, "nothing was placed");
        Assert.That(await Page.Locator("#orders-empty").IsVisibleAsync(), Is.True, "the empty state stays");
    }

    [Test]
    public async Task Sorting_and_paging_controls_show_the_slices_the_api_returns()
    {
        var (userName, password) = await Server.RegisterUserAsync("pager");
        await SignInAsync(Page, userName, password, "/orders");
        await Page.Locator("#orders-empty:not(.d-none)").WaitForAsync();
        await Page.EvaluateAsync("""
            async () => {
                const products = (await $.ajax({ url: '/api/products', dataType: 'json' })).filter(p => p.currency === 'EUR');
                for (let i = 0; i < 7; i++) {
                    await $.ajax({ url: '/api/orders', method: 'POST', contentType: 'application/json',
                        data: JSON.stringify({ items: [{ productId: products[i].id, quantity: 1 }] }) });
                }
            }
            """);
        await Page.ReloadAsync();
        await Page.Locator(".order-row").First.WaitForAsync();

        var byTotal = await ListedAfterAsync(() => Page.SelectOptionAsync("#orders-sort", "total"), "sort=total");
        Assert.That(await RowIdsAsync(), Is.EqualTo(byTotal.Items.Select(o => o.Id.ToString())), "the table shows the API's order");
        Assert.That(byTotal.Items.Select(o => o.Total), Is.Ordered.Ascending, "lowest total first");

        var firstPage = await ListedAfterAsync(() => Page.SelectOptionAsync("#orders-page-size", "5"), "pageSize=5");
        var secondPage = await ListedAfterAsync(() => Page.ClickAsync("#orders-next"), "page=2");
        Assert.That((firstPage.TotalCount, firstPage.Items.Count, secondPage.Items.Count), Is.EqualTo((7, 5, 2)), "seven orders, five a page");
        Assert.That(await RowIdsAsync(), Is.EqualTo(secondPage.Items.Select(o => o.Id.ToString())), "page 2 shows the last two");
        Assert.That(await Page.Locator("#orders-page-info").TextContentAsync(), Does.StartWith("Page 2 of 2"));
        Assert.That(await Page.Locator("#orders-next").IsDisabledAsync(), Is.True, "no page after the last");
    }

    private async Task<OrderPageBody<OrderListItemBody>> ListedAfterAsync(Func<Task> action, string queryPart)
    {
        var response = await Page.RunAndWaitForResponseAsync(
            action,
            r => r.Url.Contains("/api/orders?", StringComparison.Ordinal) && r.Url.Contains(queryPart, StringComparison.Ordinal));
        var page = JsonSerializer.Deserialize<OrderPageBody<OrderListItemBody>>(await response.TextAsync(), s_json)!;
        await Page.WaitForFunctionAsync(
            "ids => [...document.querySelectorAll('.order-row')].map(r => r.dataset.orderId).join() === ids.join()",
            page.Items.Select(o => o.Id.ToString()).ToArray());
        return page;
    }

    private Task<string[]> RowIdsAsync() =>
        Page.Locator(".order-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.orderId)");

    /// <summary>The catalogue option whose label starts with the product name (labels add the price).</summary>
    private async Task<string> LabelOfAsync(string productName)
    {
        await Page.Locator("#order-lines select option").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var labels = await Page.Locator("#order-lines select").First.Locator("option").AllTextContentsAsync();
        return labels.First(l => l.StartsWith(productName, StringComparison.Ordinal));
    }
}
