namespace JwtMvc.Core.Uploads;

/// <summary>
/// The bytes each user's uploads in flight on this instance have staged, so that parallel uploads of one user cannot
/// together stage more than their quota leaves: each upload reserves its bytes here before it writes them, and
/// <see cref="UploadReservation.TryReserve"/> refuses what would take the user's stored bytes plus every reservation past
/// the quota. Per instance: across instances the quota holds for stored rows only (docs/ARCHITECTURE.md, uploads).
/// </summary>
public sealed class UploadReservations
{
    private readonly Lock gate = new();

    private readonly Dictionary<string, Ledger> ledgers = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts an upload's reservation, to open before the user's stored bytes are read (see
    /// <see cref="UploadReservation.TryReserve"/>). Dispose it when the request ends, whatever happens, once its
    /// staged files are gone: that releases what it still holds.
    /// </summary>
    public UploadReservation Open(string ownerId)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        lock (gate)
        {
            if (!ledgers.TryGetValue(ownerId, out var ledger))
            {
                ledger = new Ledger();
                ledgers.Add(ownerId, ledger);
            }

            ledger.Uploads++;
            return new UploadReservation(this, ownerId, ledger, ledger.StoredHere);
        }
    }

    internal bool TryReserve(UploadReservation reservation, long bytes, long storedWhenRead, long maxBytes)
    {
        lock (gate)
        {
            var ledger = reservation.Ledger;

            // Bytes this instance's uploads stored after the reservation opened may be missing from what it read.
            var stored = storedWhenRead + (ledger.StoredHere - reservation.StoredHereAtOpen);
            if (stored + ledger.Reserved + bytes > maxBytes)
            {
                return false;
            }

            ledger.Reserved += bytes;
            reservation.Held += bytes;
            return true;
        }
    }

    internal void Stored(UploadReservation reservation)
    {
        lock (gate)
        {
            reservation.Ledger.Reserved -= reservation.Held;
            reservation.Ledger.StoredHere += reservation.Held;
            reservation.Held = 0;
        }
    }

    internal void Close(UploadReservation reservation)
    {
        lock (gate)
        {
            var ledger = reservation.Ledger;
            ledger.Reserved -= reservation.Held;
            reservation.Held = 0;
            if (--ledger.Uploads == 0)
            {
                // Nothing in flight reads StoredHere any more; a later upload reads its stored bytes afresh.
                ledgers.Remove(reservation.OwnerId);
            }
        }
    }

    internal sealed class Ledger
    {
        /// <summary>Uploads of the user in flight here.</summary>
        public int Uploads { get; set; }

        /// <summary>Bytes those uploads have staged and not yet stored.</summary>
        public long Reserved { get; set; }

        /// <summary>Bytes uploads here have stored since the first of those in flight opened; only ever grows.</summary>
        public long StoredHere { get; set; }
    }
}

/// <summary>One upload request's share of <see cref="UploadReservations"/>; dispose it when the request ends.</summary>
public sealed class UploadReservation : IDisposable
{
    private readonly UploadReservations owner;

    private bool closed;

    internal UploadReservation(UploadReservations owner, string ownerId, UploadReservations.Ledger ledger, long storedHereAtOpen)
    {
        this.owner = owner;
        OwnerId = ownerId;
        Ledger = ledger;
        StoredHereAtOpen = storedHereAtOpen;
    }

    /// <summary>Bytes this upload holds.</summary>
    internal long Held { get; set; }

    internal string OwnerId { get; }

    internal UploadReservations.Ledger Ledger { get; }

    internal long StoredHereAtOpen { get; }

    /// <summary>
    /// Reserves <paramref name="bytes"/> more if the user's stored bytes (<paramref name="storedWhenRead"/>, read after
    /// this reservation opened, plus what uploads here stored since) and every upload's reservation, these bytes
    /// included, stay within <paramref name="maxBytes"/>; false, reserving nothing, when they would not. A store that
    /// ends while the stored bytes are being read may be counted twice, which only refuses early, never lets more in.
    /// </summary>
    public bool TryReserve(long bytes, long storedWhenRead, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ObjectDisposedException.ThrowIf(closed, this);
        return owner.TryReserve(this, bytes, storedWhenRead, maxBytes);
    }

    /// <summary>The bytes held are stored now (their rows are in): they count as stored, no longer as reserved.</summary>
    public void Stored()
    {
        ObjectDisposedException.ThrowIf(closed, this);
        owner.Stored(this);
    }

    /// <summary>Releases what is still held.</summary>
    public void Dispose()
    {
        if (!closed)
        {
            closed = true;
            owner.Close(this);
        }
    }
}
