using JwtMvc.Core.Auth;
using JwtMvc.Core.Orders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>Every user's orders, for administrators; paged and sorted as /api/orders.</summary>
[ApiController]
[Route("api/admin/orders")]
[Authorize(Policy = AppPolicies.Admin)]
public sealed class AdminOrdersController(OrderService orders) : ControllerBase
{
    [HttpGet]
    public async Task<Results<Ok<PageDto<AdminOrderListItemDto>>, ValidationProblem>> List(
        int page = 1,
        int pageSize = OrderListQuery.DefaultPageSize,
        string? sort = OrderListQuery.DefaultSort,
        CancellationToken cancellationToken = default) =>
        OrderResults.ToHttp(await orders.ListAllAsync(page, pageSize, sort, cancellationToken), AdminOrderListItemDto.From);
}
