using JwtMvc.Core.Auth;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

/// <summary>The application's roles are part of the schema: every database has them, seeded or not.</summary>
internal sealed class IdentityRoleConfiguration : IEntityTypeConfiguration<IdentityRole>
{
    public void Configure(EntityTypeBuilder<IdentityRole> builder)
    {
        // Fixed values: migrations compare seed data, so nothing here may change between builds.
        builder.HasData(
            new IdentityRole
            {
                Id = "2c5e174e-3b0e-446f-86af-483d56fd7210",
                Name = AppRoles.Admin,
                NormalizedName = "ADMIN",
                ConcurrencyStamp = "6f1a9c7e-1b7d-4a47-9a0e-0c1a4f3e5b21",
            },
            new IdentityRole
            {
                Id = "8e445865-a24d-4543-a6c6-9443d048cdb9",
                Name = AppRoles.User,
                NormalizedName = "USER",
                ConcurrencyStamp = "1d3f5a7b-9c2e-4e6f-8a0b-2c4d6e8f0a1b",
            });
    }
}
