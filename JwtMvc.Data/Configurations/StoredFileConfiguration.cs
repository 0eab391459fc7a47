using JwtMvc.Core.Uploads;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class StoredFileConfiguration : IEntityTypeConfiguration<StoredFile>
{
    public const int StorageKeyMaxLength = 64;
    public const int ContentTypeMaxLength = 100;
    public const int Sha256Length = 64;

    public void Configure(EntityTypeBuilder<StoredFile> builder)
    {
        builder.ToTable("StoredFiles");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.OwnerId).HasMaxLength(SessionConfiguration.UserIdMaxLength).IsRequired();
        builder.Property(f => f.FileName).HasMaxLength(FileNames.MaxLength).IsRequired();
        builder.Property(f => f.StorageKey).HasMaxLength(StorageKeyMaxLength).IsUnicode(false).IsRequired();
        builder.Property(f => f.ContentType).HasMaxLength(ContentTypeMaxLength).IsUnicode(false).IsRequired();
        builder.Property(f => f.Sha256).HasMaxLength(Sha256Length).IsFixedLength().IsUnicode(false).IsRequired();

        builder.HasIndex(f => f.StorageKey).IsUnique();
        builder.HasIndex(f => new { f.OwnerId, f.UploadedAt });

        // Deleting a user deletes the rows of their files (their bytes stay until a sweep removes unreferenced keys).
        builder.HasOne<AppUser>()
            .WithMany()
            .HasForeignKey(f => f.OwnerId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
