using System.Data.Common;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Data;
using JwtMvc.Data.Providers;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class SigningKeyStoreTests : SharedDatabaseFixture
{
    [Test]
    public async Task A_key_stored_by_another_instance_while_the_ring_is_loaded_makes_the_plan_from_that_load_conflict()
    {
        // Arrange: one key signs. A second instance will "rotate now" (store the next generation, retire the signer at
        // once) in the middle of this instance's load, between its two queries.
        var now = Data.Time.GetUtcNow();
        var signer = Key(generation: 1, now);
        await using (var scope = Data.NewScope())
        {
            Assert.That(await Store(scope).TryAddAsync(signer, [], CancellationToken.None), Is.True, "arranged: the first key");
        }

        var rotatedAt = now.AddMinutes(1);
        var otherInstance = new AfterFirstQuery(async () =>
        {
            await using var scope = Data.NewScope();
            Assert.That(await Store(scope).TryAddAsync(Key(generation: 2, rotatedAt), [new KeyRetirement(signer.KeyId, rotatedAt, rotatedAt.AddMinutes(15))], CancellationToken.None), Is.True, "the other instance's rotation");
        });
        await using var db = await Data.ContextWithAsync(otherInstance);
        var store = new SigningKeyStore(db);

        // Act: this instance plans a scheduled successor from its load, retiring the signer a day later.
        var (_, maxGeneration) = await store.LoadAsync(now, CancellationToken.None);
        var added = await store.TryAddAsync(Key(maxGeneration + 1, now), [new KeyRetirement(signer.KeyId, now.AddDays(1), now.AddDays(2))], CancellationToken.None);

        // Assert: the plan is refused, and the rotation's retirement of the signer stands.
        Assert.That(otherInstance.Ran, Is.True, "arranged: the other instance stored its key during the load");
        Assert.That(added, Is.False, "a plan from a load older than the newest key conflicts");
        await using var check = Data.NewScope();
        var (keys, _) = await Store(check).LoadAsync(now, CancellationToken.None);
        Assert.That(keys.Single(k => k.KeyId == signer.KeyId).RetiresAt, Is.EqualTo(rotatedAt), "the stale plan did not move the retirement");
    }

    private static ISigningKeyStore Store(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<ISigningKeyStore>();

    private static SigningKeyRecord Key(int generation, DateTimeOffset activatesAt) => new()
    {
        KeyId = "test-" + Guid.NewGuid().ToString("N"),
        Generation = generation,
        Algorithm = "ES256",
        CreatedAt = activatesAt,
        ActivatesAt = activatesAt,
        RetiresAt = activatesAt.AddDays(30),
        RemovedAt = activatesAt.AddDays(31),
        PublicJwk = "{}",
        ProtectedPrivateKey = "not-a-key",
    };

    /// <summary>Runs an action once, when the context's first query has been read to its end.</summary>
    private sealed class AfterFirstQuery(Func<Task> action) : DbCommandInterceptor
    {
        public bool Ran { get; private set; }

        public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
        {
            if (!Ran)
            {
                Ran = true;
                await action();
            }

            return result;
        }
    }
}
