using System.Security.Cryptography;
using System.Text;

namespace AttentionLego.Gen.Config;

/// <summary>
/// The identity of a configuration: the SHA-256 of its canonical JSON (<see cref="ConfigJson.Serialize"/>). Every
/// generated file's banner, the C header, the CONFIG_HASH register and its golden model, case folders and reports name a
/// configuration by it, so it lives with the configuration rather than with any one of them.
/// </summary>
public static class ConfigHash
{
    // A configuration is immutable, so its hash is computed once per object (every file's banner and every controller
    // model asks for it; serializing the configuration each time was a visible share of a small co-simulation's golden model).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AttentionConfig, string> Hashes = [];

    /// <summary>First 16 hex digits of the SHA-256 of the canonical config JSON.</summary>
    public static string Of(AttentionConfig config) =>
        Hashes.GetValue(config, c => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ConfigJson.Serialize(c))))[..16]);

    /// <summary>The first 8 hex digits of <see cref="Of"/>: what the head's CONFIG_HASH register reads.</summary>
    public static uint Register(AttentionConfig config) => Convert.ToUInt32(Of(config)[..8], 16);
}
