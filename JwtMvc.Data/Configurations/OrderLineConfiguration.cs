using JwtMvc.Core.Orders;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("OrderLines");
        builder.Property<Guid>("OrderId");
        builder.HasKey("OrderId", nameof(OrderLine.Number));
        builder.Property(l => l.Number).ValueGeneratedNever();

        // Name and price are copies taken when the order was placed; the product may change or be renamed since.
        builder.Property(l => l.ProductName).HasMaxLength(Product.NameMaxLength).IsRequired();
        builder.Property(l => l.UnitPrice).HasPrecision(MoneyColumns.Precision, MoneyColumns.Scale);
        builder.Ignore(l => l.LineTotal);

        builder.HasIndex(l => l.ProductId);
        builder.HasOne<Product>()
            .WithMany()
            .HasForeignKey(l => l.ProductId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}
