using System.Text;
using JwtMvc.Core.Uploads;

namespace JwtMvc.Tests.Support;

/// <summary>Small files of each kind: the right magic bytes followed by deterministic filler.</summary>
public static class TestFiles
{
    public static byte[] Png(int size = 1024) => WithSignature([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], size);

    public static byte[] Jpeg(int size = 1024) => WithSignature([0xFF, 0xD8, 0xFF, 0xE0], size);

    public static byte[] Gif(int size = 1024) => WithSignature("GIF89a"u8.ToArray(), size);

    public static byte[] Pdf(int size = 1024) => WithSignature("%PDF-1.7\n"u8.ToArray(), size);

    public static byte[] Text(string text = "just some text, not an image\n") => Encoding.UTF8.GetBytes(text);

    private static byte[] WithSignature(byte[] signature, int size)
    {
        var bytes = new byte[Math.Max(size, signature.Length)];
        new Random(size).NextBytes(bytes);
        signature.CopyTo(bytes, 0);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>A type the tests can name in assertions.</summary>
    public static FileType Type(byte[] bytes) => FileSignatures.Detect(bytes)!;
}
