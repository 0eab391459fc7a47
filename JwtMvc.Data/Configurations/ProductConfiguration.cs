using JwtMvc.Core.Orders;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("Products");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(Product.NameMaxLength).IsRequired();
        builder.Property(p => p.Price).HasPrecision(MoneyColumns.Precision, MoneyColumns.Scale);
        builder.Property(p => p.Currency).HasMaxLength(MoneyColumns.CurrencyLength).IsFixedLength().IsUnicode(false).IsRequired();
        builder.Ignore(p => p.UnitPrice);
        builder.HasIndex(p => p.Name);
    }
}

/// <summary>How amounts and currency codes are stored, for every entity that has money.</summary>
internal static class MoneyColumns
{
    /// <summary>SQL Server decimal(19,4), as its money type; SQLite stores the same scale as integers.</summary>
    public const int Precision = 19;

    public const int Scale = Money.MaxDecimalPlaces;

    /// <summary>ISO 4217 codes are three letters.</summary>
    public const int CurrencyLength = 3;
}
