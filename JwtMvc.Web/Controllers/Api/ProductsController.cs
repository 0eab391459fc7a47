using JwtMvc.Core.Orders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Controllers.Api;

[ApiController]
[Route("api/products")]
[Authorize]
public sealed class ProductsController(OrderService orders) : ControllerBase
{
    /// <summary>The catalogue, by name.</summary>
    [HttpGet]
    public async Task<IReadOnlyList<ProductDto>> List(CancellationToken cancellationToken) =>
        [.. (await orders.ListProductsAsync(cancellationToken)).Select(ProductDto.From)];
}
