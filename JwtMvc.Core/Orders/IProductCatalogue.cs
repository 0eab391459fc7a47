namespace JwtMvc.Core.Orders;

/// <summary>The products for sale. Implemented in JwtMvc.Data.</summary>
public interface IProductCatalogue
{
    /// <summary>Every product, by name.</summary>
    Task<IReadOnlyList<Product>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The products among <paramref name="productIds"/> that exist, by id.</summary>
    Task<IReadOnlyDictionary<Guid, Product>> FindAsync(IReadOnlyCollection<Guid> productIds, CancellationToken cancellationToken);
}
