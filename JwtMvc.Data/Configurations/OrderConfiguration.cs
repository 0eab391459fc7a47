using JwtMvc.Core.Orders;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public const int StatusMaxLength = 16;

    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("Orders");
        builder.HasKey(o => o.Id);

        // The service picks the id (a version 7 GUID, so ids grow with time).
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.UserId).HasMaxLength(SessionConfiguration.UserIdMaxLength).IsRequired();

        // By name, so the database reads like the API and a new status never renumbers the old ones.
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(StatusMaxLength).IsUnicode(false);
        builder.Property(o => o.Currency).HasMaxLength(MoneyColumns.CurrencyLength).IsFixedLength().IsUnicode(false).IsRequired();
        builder.Property(o => o.Total).HasPrecision(MoneyColumns.Precision, MoneyColumns.Scale);
        builder.Ignore(o => o.IsCancellable);

        builder.HasMany(o => o.Lines)
            .WithOne()
            .HasForeignKey("OrderId")
            .OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(o => o.Lines).HasField("_lines").UsePropertyAccessMode(PropertyAccessMode.Field);

        // The lists: one user's orders, newest first or by total; everyone's for the admin. Each sort reads its index in
        // order and stops at the page, instead of sorting all of a user's (or everyone's) orders for every page; the id
        // (the lists' tie-breaker) completes the order of everyone's lists, which SQLite would otherwise sort whole.
        builder.HasIndex(o => new { o.UserId, o.CreatedAt });
        builder.HasIndex(o => new { o.UserId, o.Total });
        builder.HasIndex(o => new { o.CreatedAt, o.Id });
        builder.HasIndex(o => new { o.Total, o.Id });

        // Deleting a user deletes their orders.
        builder.HasOne<AppUser>()
            .WithMany()
            .HasForeignKey(o => o.UserId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
