/*
 * WebAuthn between the server's JSON and the browser's API: options JSON (base64url) to what
 * navigator.credentials.create()/get() take, and the credential back to JSON. Uses the browser's own
 * PublicKeyCredential.parse*OptionsFromJSON and toJSON() where it has them.
 */
(function (window) {
    'use strict';

    var PublicKeyCredential = window.PublicKeyCredential;

    function supported() {
        return !!(PublicKeyCredential && window.navigator.credentials);
    }

    function fromBase64Url(value) {
        var base64 = value.replace(/-/g, '+').replace(/_/g, '/');
        while (base64.length % 4) {
            base64 += '=';
        }
        var binary = window.atob(base64);
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) {
            bytes[i] = binary.charCodeAt(i);
        }
        return bytes.buffer;
    }

    function toBase64Url(buffer) {
        var bytes = new Uint8Array(buffer);
        var binary = '';
        for (var i = 0; i < bytes.length; i++) {
            binary += String.fromCharCode(bytes[i]);
        }
        return window.btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }

    function withBinaryIds(descriptors) {
        return (descriptors || []).map(function (descriptor) {
            return { type: descriptor.type, id: fromBase64Url(descriptor.id), transports: descriptor.transports };
        });
    }

    function creationOptions(json) {
        if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
            return PublicKeyCredential.parseCreationOptionsFromJSON(json);
        }
        var options = Object.assign({}, json);
        options.challenge = fromBase64Url(json.challenge);
        options.user = Object.assign({}, json.user, { id: fromBase64Url(json.user.id) });
        options.excludeCredentials = withBinaryIds(json.excludeCredentials);
        return options;
    }

    function requestOptions(json) {
        if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
            return PublicKeyCredential.parseRequestOptionsFromJSON(json);
        }
        var options = Object.assign({}, json);
        options.challenge = fromBase64Url(json.challenge);
        options.allowCredentials = withBinaryIds(json.allowCredentials);
        return options;
    }

    function credentialJson(credential) {
        if (typeof credential.toJSON === 'function') {
            return credential.toJSON();
        }
        var response = credential.response;
        var json = {
            id: credential.id,
            rawId: toBase64Url(credential.rawId),
            type: credential.type,
            authenticatorAttachment: credential.authenticatorAttachment,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: { clientDataJSON: toBase64Url(response.clientDataJSON) }
        };
        if (response.attestationObject) {
            json.response.attestationObject = toBase64Url(response.attestationObject);
            json.response.transports = typeof response.getTransports === 'function' ? response.getTransports() : [];
        } else {
            json.response.authenticatorData = toBase64Url(response.authenticatorData);
            json.response.signature = toBase64Url(response.signature);
            json.response.userHandle = response.userHandle ? toBase64Url(response.userHandle) : null;
        }
        return json;
    }

    /** Creates a passkey for the server's creation options JSON; resolves with the credential JSON. */
    function create(optionsJson) {
        return window.navigator.credentials.create({ publicKey: creationOptions(optionsJson) }).then(credentialJson);
    }

    /** Asks for a passkey for the server's request options JSON; resolves with the credential JSON. */
    function get(optionsJson) {
        return window.navigator.credentials.get({ publicKey: requestOptions(optionsJson) }).then(credentialJson);
    }

    /** Words for a failed browser ceremony: cancelled, timed out, or not possible here. */
    function explain(error) {
        if (error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) {
            return 'The passkey request was cancelled or timed out.';
        }
        if (error && error.name === 'InvalidStateError') {
            return 'This authenticator already holds a passkey for your account.';
        }
        return 'This browser could not use a passkey here' + (error && error.name ? ' (' + error.name + ').' : '.');
    }

    window.jwtmvc = window.jwtmvc || {};
    window.jwtmvc.passkeys = { supported: supported, create: create, get: get, explain: explain };
}(window));
